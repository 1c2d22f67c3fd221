// UTF-8 at the edge where bytes become JSON strings.
#include "core/json_text.hpp"
#include "core/utf8.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

namespace domainscan {
namespace {

TEST(Utf8, WellFormedTextIsKeptAsItIs) {
  for (const std::string_view text : {"", "plain ascii", "b\xC3\xBC" "cher", "\xE2\x82\xAC", "\xF0\x9F\x94\x92",
                                      "\xF4\x8F\xBF\xBF", "\xED\x9F\xBF"}) {
    EXPECT_TRUE(is_valid_utf8(text)) << text;
    EXPECT_EQ(valid_utf8(text), text);
  }
}

TEST(Utf8, EveryByteThatStartsNoSequenceBecomesOneReplacementCharacter) {
  const std::string r = "\xEF\xBF\xBD";
  struct Case {
    std::string_view in;
    std::string out;
  };
  const Case cases[] = {
      {"caf\xE9", "caf" + r},                  // Latin-1
      {"\xC0\xAF", r + r},                     // overlong '/'
      {"\xE0\x80\xAF", r + r + r},             // overlong, three bytes
      {"\xED\xA0\x80", r + r + r},             // a surrogate
      {"\xF4\x90\x80\x80", r + r + r + r},     // past U+10FFFF
      {"\xE2\x82", r + r},                     // cut short
      {"a\xFF" "b", "a" + r + "b"},
      {std::string_view("a\0b", 3), std::string("a\0b", 3)},  // NUL is UTF-8 (JSON escapes it)
  };
  for (const auto& c : cases) {
    EXPECT_FALSE(is_valid_utf8(c.in) && c.in != c.out);
    EXPECT_EQ(valid_utf8(c.in), c.out);
    EXPECT_TRUE(is_valid_utf8(valid_utf8(c.in)));
  }
}

TEST(Utf8, AnExcerptIsCutBeforeACharacterNeverInsideOne) {
  EXPECT_EQ(utf8_excerpt("short", 10), "short");
  EXPECT_EQ(utf8_excerpt("abcdefgh", 4), "abcd\xE2\x80\xA6");
  // "ü" is two bytes: a cut at byte 2 would split it.
  EXPECT_EQ(utf8_excerpt("a\xC3\xBC" "b", 2), "a\xE2\x80\xA6");
  EXPECT_TRUE(is_valid_utf8(utf8_excerpt("\xFF\xFF\xFF\xFF", 4)));
}

}  // namespace
}  // namespace domainscan

namespace domainscan {
namespace {

TEST(JsonText, EveryStringAndKeyBecomesValidTextWithoutNul) {
  auto value = boost::json::value{
      {"txt", boost::json::array{"caf\xE9", std::string("a\0b", 3), "fine"}},
      {"headers", boost::json::object{{std::string("x-\xFF"), "v"}, {"ok", "\xC0\xAF"}}},
  };
  EXPECT_EQ(make_json_text_valid(value), 4u);
  const auto text = boost::json::serialize(value);
  EXPECT_TRUE(is_valid_utf8(text));
  EXPECT_EQ(text.find("\\u0000"), std::string::npos) << text;
  EXPECT_EQ(value.at("txt").at(0), "caf\xEF\xBF\xBD");
  EXPECT_EQ(value.at("txt").at(1), "a\xEF\xBF\xBD" "b");
  EXPECT_EQ(value.at("txt").at(2), "fine");
  EXPECT_TRUE(value.at("headers").as_object().contains("x-\xEF\xBF\xBD"));
  EXPECT_EQ(make_json_text_valid(value), 0u) << "valid text is left as it is";
}

}  // namespace
}  // namespace domainscan
