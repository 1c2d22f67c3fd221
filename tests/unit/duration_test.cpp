#include "core/duration.hpp"
#include "core/errors.hpp"

#include <gtest/gtest.h>

namespace domainscan {
namespace {

using namespace std::chrono_literals;

TEST(Duration, ParsesUnitsAndSums) {
  EXPECT_EQ(parse_duration("10s"), 10s);
  EXPECT_EQ(parse_duration("500ms"), 500ms);
  EXPECT_EQ(parse_duration("2m"), 2min);
  EXPECT_EQ(parse_duration("1h30m"), 90min);
  EXPECT_EQ(parse_duration("1d"), 24h);
}

TEST(Duration, RejectsMalformed) {
  for (const char* bad : {"", "10", "s", "10x", "-5s", "1.5s", "99999999999999999999h"}) {
    EXPECT_THROW(parse_duration(bad), ValidationError) << bad;
  }
}

TEST(Duration, FormatsRoundTrip) {
  EXPECT_EQ(format_duration(10s), "10s");
  EXPECT_EQ(format_duration(1500ms), "1500ms");
  EXPECT_EQ(format_duration(2h), "2h");
}

}  // namespace
}  // namespace domainscan
