// /metrics request counters: the label sets stay bounded whatever clients send.
#include "api/metrics.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace domainscan::api {
namespace {

std::size_t lines_of(const std::string& text, const std::string& family) {
  std::size_t n = 0;
  for (std::size_t at = text.find(family + "{"); at != std::string::npos; at = text.find(family + "{", at + 1)) ++n;
  return n;
}

TEST(Metrics, MadeUpMethodsShareOneLabel) {
  Metrics metrics;
  for (int i = 0; i < 1000; ++i) metrics.count_request("unmatched", fmt::format("X{}{}", i, std::string(64, 'A')), 400);
  metrics.count_request("unmatched", "GET", 404);
  const auto text = metrics.render_requests();
  EXPECT_EQ(lines_of(text, "domainscan_http_requests_total"), 2u) << text;
  EXPECT_NE(text.find(R"(domainscan_http_requests_total{method="other",route="unmatched",status="400"} 1000)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find(R"(method="GET")"), std::string::npos);
}

TEST(Metrics, MethodLabels) {
  EXPECT_EQ(method_label("POST"), "POST");
  EXPECT_EQ(method_label("PATCH"), "PATCH");
  EXPECT_EQ(method_label("post"), "other");  // methods are case-sensitive
  EXPECT_EQ(method_label(""), "other");
  EXPECT_EQ(method_label("-"), "-");  // rejected before the method was read
}

}  // namespace
}  // namespace domainscan::api
