// `domainscan scan --format text`: what the scanned servers sent cannot drive the terminal.
#include "app/scan_command.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

namespace domainscan::app {
namespace {

TEST(ScanText, ControlCharactersInScanDataAreShownNotSent) {
  const auto result = boost::json::parse(R"({
    "domain": "evil.test", "grade": null, "grade_reason": "no",
    "checks": {"dns": {"status": "ok", "txt": ["\u001b[2J\u001b]0;owned\u0007 text", "tab\there", "c1\u009bx"]}},
    "findings": [{"severity": "low", "message": "bell\u0007"}]
  })").as_object();
  const auto text = render_text(result);
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    EXPECT_TRUE(u >= 0x20 || c == '\n') << "a raw control byte " << static_cast<int>(u) << " in:\n" << text;
  }
  EXPECT_EQ(text.find("\xC2\x9B"), std::string::npos) << "a raw C1 control (CSI) in:\n" << text;
  EXPECT_NE(text.find(R"(\x1b[2J\x1b]0;owned\x07 text)"), std::string::npos) << text;
  EXPECT_NE(text.find(R"(tab\x09here)"), std::string::npos) << text;
  EXPECT_NE(text.find(R"(c1\x9bx)"), std::string::npos) << text;
  EXPECT_NE(text.find(R"(bell\x07)"), std::string::npos) << text;
}

}  // namespace
}  // namespace domainscan::app
