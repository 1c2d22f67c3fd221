#include "core/logging.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>
#include <spdlog/details/log_msg.h>

namespace domainscan {
namespace {

std::string formatted(LogFormat format, std::string_view message) {
  const auto formatter = make_log_formatter(format);
  const spdlog::details::log_msg msg("domainscan", spdlog::level::info, message);
  spdlog::memory_buf_t out;
  formatter->format(msg, out);
  return std::string(out.data(), out.size());
}

boost::json::object json_line(std::string_view message) {
  const auto line = formatted(LogFormat::json, message);
  EXPECT_TRUE(line.ends_with("\n")) << line;
  return boost::json::parse(line).as_object();
}

TEST(Logging, AScanTagBecomesFieldsInJson) {
  const auto line = json_line(scan_tag(42, "example.com") + "worker: scanning");
  EXPECT_EQ(line.at("scan_id"), 42);
  EXPECT_EQ(line.at("domain"), "example.com");
  EXPECT_EQ(line.at("msg"), "worker: scanning");
  EXPECT_EQ(line.at("level"), "info");
  EXPECT_TRUE(line.contains("time"));
}

TEST(Logging, OtherMessagesStayWholeAndValidJson) {
  const auto plain = json_line("outbox: published 3 scan requests again");
  EXPECT_FALSE(plain.contains("scan_id"));
  EXPECT_EQ(plain.at("msg"), "outbox: published 3 scan requests again");
  // Not a tag: the id is no number, or the bracket never closes.
  for (const std::string_view text : {"[scan x example.com] hello", "[scan 42 example.com hello", "[scan 42] hi"}) {
    const auto line = json_line(text);
    EXPECT_FALSE(line.contains("scan_id")) << text;
    EXPECT_EQ(line.at("msg").as_string(), text);
  }
  // Quotes, newlines and control bytes cannot break the line.
  const auto tricky = json_line(scan_tag(7, "a.test") + "said \"hi\"\nand\x01left");
  EXPECT_EQ(tricky.at("msg"), "said \"hi\"\nand\x01left");
}

TEST(Logging, TextLogsKeepTheTagForGrep) {
  const auto line = formatted(LogFormat::text, scan_tag(42, "example.com") + "worker: scanning");
  EXPECT_NE(line.find("[scan 42 example.com] worker: scanning"), std::string::npos) << line;
}

}  // namespace
}  // namespace domainscan
