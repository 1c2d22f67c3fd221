// RFC 3339 times: the fast path for the form this program writes agrees with the general
// parser, and what is written reads back the same.
#include "core/time_format.hpp"

#include <gtest/gtest.h>

namespace domainscan {
namespace {

using namespace std::chrono_literals;

TimePoint at(std::int64_t ms) { return TimePoint(std::chrono::milliseconds(ms)); }

TEST(TimeFormat, WritesMillisecondsAndZ) {
  EXPECT_EQ(to_rfc3339(at(0)), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(to_rfc3339(at(1'795'000'000'123)), "2026-11-18T11:06:40.123Z");
  EXPECT_EQ(to_rfc3339(at(951'782'400'000)), "2000-02-29T00:00:00.000Z");  // a leap day
}

TEST(TimeFormat, WhatIsWrittenReadsBackTheSame) {
  for (const std::int64_t ms : {0LL, 1LL, 999LL, 86'399'999LL, 951'782'400'000LL, 1'795'000'000'123LL, 4'102'444'799'999LL}) {
    EXPECT_EQ(parse_rfc3339(to_rfc3339(at(ms))), at(ms)) << to_rfc3339(at(ms));
  }
}

TEST(TimeFormat, OtherFormsGoThroughTheGeneralParser) {
  EXPECT_EQ(parse_rfc3339("2026-11-18T11:06:40Z"), at(1'795'000'000'000));
  EXPECT_EQ(parse_rfc3339("2026-11-18T12:06:40+01:00"), at(1'795'000'000'000));
  EXPECT_EQ(parse_rfc3339("2026-11-18 11:06:40"), at(1'795'000'000'000));
  EXPECT_EQ(parse_rfc3339("2026-11-18T11:06:40.5Z"), at(1'795'000'000'500));
}

TEST(TimeFormat, NotATimeIsNothing) {
  for (const char* text : {"", "yesterday", "2026-13-01T00:00:00.000Z", "2026-02-30T00:00:00.000Z",
                           "2026-11-18T24:00:00.000Z", "2026-11-18T07:06:40.12xZ", "2026-11-18X07:06:40.123Z"}) {
    EXPECT_FALSE(parse_rfc3339(text)) << text;
  }
}

}  // namespace
}  // namespace domainscan
