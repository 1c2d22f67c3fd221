// Cron expressions: parsing (and what the errors say), and the next firing time over month
// ends, leap years, the day-of-month/day-of-week rule and DST changes in Europe/Berlin and
// America/New_York.
#include "core/errors.hpp"
#include "core/time_format.hpp"
#include "scheduler/cron.hpp"

#include <date/tz.h>
#include <gtest/gtest.h>

namespace domainscan::scheduler {
namespace {

TimePoint at(const char* rfc3339) {
  const auto t = parse_rfc3339(rfc3339);
  if (!t) throw std::invalid_argument(rfc3339);
  return *t;
}

// The next firing time after `after` as RFC 3339 UTC, or "never".
std::string next(const char* cron, const char* after, const char* zone = "UTC") {
  const auto t = CronExpression::parse(cron).next_after(at(after), time_zone_named(zone));
  return t ? to_rfc3339(*t) : "never";
}

// The first `count` firing times after `after`.
std::vector<std::string> runs(const char* cron, const char* after, int count, const char* zone = "UTC") {
  const auto c = CronExpression::parse(cron);
  std::vector<std::string> out;
  auto t = at(after);
  for (int i = 0; i < count; ++i) {
    const auto n = c.next_after(t, time_zone_named(zone));
    if (!n) break;
    out.push_back(to_rfc3339(*n));
    t = *n;
  }
  return out;
}

std::string error_of(const char* cron) {
  try {
    CronExpression::parse(cron);
  } catch (const ValidationError& e) {
    EXPECT_EQ(e.code(), "invalid_schedule");
    return e.what();
  }
  return "accepted";
}

TEST(Cron, ErrorsSayWhatIsWrong) {
  EXPECT_EQ(error_of("61 * * * *"), "minute 61 out of range 0-59");
  EXPECT_EQ(error_of("0 24 * * *"), "hour 24 out of range 0-23");
  EXPECT_EQ(error_of("0 0 0 * *"), "day-of-month 0 out of range 1-31");
  EXPECT_EQ(error_of("0 0 * 13 *"), "month 13 out of range 1-12");
  EXPECT_EQ(error_of("0 0 * * 8"), "day-of-week 8 out of range 0-7");
  EXPECT_EQ(error_of("* * * *"),
            "a cron expression has 5 fields (minute hour day-of-month month day-of-week), not 4");
  EXPECT_EQ(error_of("* * * * * *"),
            "a cron expression has 5 fields (minute hour day-of-month month day-of-week), not 6");
  EXPECT_EQ(error_of(""), "the cron expression is empty");
  EXPECT_EQ(error_of("30-10 * * * *"), "minute range 30-10 runs backwards");
  EXPECT_EQ(error_of("*/0 * * * *"), "minute step 0 out of range 1-60");
  EXPECT_EQ(error_of("x * * * *"), "minute: 'x' is not a number");
  EXPECT_EQ(error_of("0 0 * FOO *"), "month: 'FOO' is not a number or a name");
  EXPECT_EQ(error_of("1,,2 * * * *"), "minute: an empty list item in '1,,2'");
  EXPECT_EQ(error_of("@reboot"),
            "unknown cron macro '@reboot' (known: @hourly @daily @midnight @weekly @monthly @yearly @annually)");
  EXPECT_EQ(error_of("0 0 1-/2 * *"), "day-of-month: an empty value");
  EXPECT_EQ(error_of(std::string(201, '*').c_str()), "the cron expression is longer than 200 characters");
}

TEST(Cron, ListsRangesStepsAndNames) {
  EXPECT_EQ(runs("*/15 * * * *", "2026-03-01T10:07:00Z", 4),
            (std::vector<std::string>{"2026-03-01T10:15:00.000Z", "2026-03-01T10:30:00.000Z",
                                      "2026-03-01T10:45:00.000Z", "2026-03-01T11:00:00.000Z"}));
  EXPECT_EQ(runs("5,35 8-9 * * *", "2026-03-01T00:00:00Z", 5),
            (std::vector<std::string>{"2026-03-01T08:05:00.000Z", "2026-03-01T08:35:00.000Z",
                                      "2026-03-01T09:05:00.000Z", "2026-03-01T09:35:00.000Z",
                                      "2026-03-02T08:05:00.000Z"}));
  EXPECT_EQ(runs("0 10-20/5 * * *", "2026-03-01T00:00:00Z", 4),
            (std::vector<std::string>{"2026-03-01T10:00:00.000Z", "2026-03-01T15:00:00.000Z",
                                      "2026-03-01T20:00:00.000Z", "2026-03-02T10:00:00.000Z"}));
  EXPECT_EQ(next("0 0 * JAN,jul *", "2026-03-01T00:00:00Z"), "2026-07-01T00:00:00.000Z");
  EXPECT_EQ(next("0 9 * * MON-FRI", "2026-11-27T12:00:00Z"), "2026-11-30T09:00:00.000Z");  // Fri -> Mon
  EXPECT_EQ(next("0 9 * * 7", "2026-11-25T00:00:00Z"), "2026-11-29T09:00:00.000Z");        // 7 is Sunday
  EXPECT_EQ(next("0 9 * * sun", "2026-11-25T00:00:00Z"), "2026-11-29T09:00:00.000Z");
  EXPECT_EQ(next("30/10 * * * *", "2026-03-01T10:55:00Z"), "2026-03-01T11:30:00.000Z");  // 30-59 every 10
}

TEST(Cron, Macros) {
  const char* after = "2026-11-25T13:14:00Z";
  EXPECT_EQ(next("@hourly", after), "2026-11-25T14:00:00.000Z");
  EXPECT_EQ(next("@daily", after), "2026-11-26T00:00:00.000Z");
  EXPECT_EQ(next("@midnight", after), "2026-11-26T00:00:00.000Z");
  EXPECT_EQ(next("@weekly", after), "2026-11-29T00:00:00.000Z");  // Sunday
  EXPECT_EQ(next("@monthly", after), "2026-12-01T00:00:00.000Z");
  EXPECT_EQ(next("@yearly", after), "2027-01-01T00:00:00.000Z");
  EXPECT_EQ(next("@annually", after), "2027-01-01T00:00:00.000Z");
}

TEST(Cron, StrictlyAfterAndToTheMinute) {
  EXPECT_EQ(next("0 12 * * *", "2026-11-25T12:00:00Z"), "2026-11-26T12:00:00.000Z");
  EXPECT_EQ(next("0 12 * * *", "2026-11-25T11:59:59.999Z"), "2026-11-25T12:00:00.000Z");
  EXPECT_EQ(next("* * * * *", "2026-11-25T12:00:30.500Z"), "2026-11-25T12:01:00.000Z");
}

TEST(Cron, MonthEndsAndLeapYears) {
  EXPECT_EQ(runs("0 0 31 * *", "2026-01-31T00:00:00Z", 3),
            (std::vector<std::string>{"2026-03-31T00:00:00.000Z", "2026-05-31T00:00:00.000Z",
                                      "2026-07-31T00:00:00.000Z"}));
  EXPECT_EQ(next("0 0 30 * *", "2026-01-30T00:00:00Z"), "2026-03-30T00:00:00.000Z");  // no 30 February
  EXPECT_EQ(runs("0 0 29 2 *", "2026-01-01T00:00:00Z", 2),
            (std::vector<std::string>{"2028-02-29T00:00:00.000Z", "2032-02-29T00:00:00.000Z"}));
  EXPECT_EQ(next("0 0 28-31 2 *", "2100-02-28T00:00:00Z"), "2101-02-28T00:00:00.000Z");  // 2100 is not leap
  EXPECT_EQ(next("59 23 31 12 *", "2026-12-31T23:59:00Z"), "2027-12-31T23:59:00.000Z");
  EXPECT_EQ(next("0 0 30 2 *", "2026-01-01T00:00:00Z"), "never");
  EXPECT_EQ(next("0 0 31 4,6,9,11 *", "2026-01-01T00:00:00Z"), "never");
}

TEST(Cron, DayOfMonthOrDayOfWeekWhenBothAreRestricted) {
  // The 13th, or any Friday: Fridays 27 Nov, 4 and 11 Dec, then Sunday 13 Dec.
  EXPECT_EQ(runs("0 0 13 * FRI", "2026-11-25T00:00:00Z", 4),
            (std::vector<std::string>{"2026-11-27T00:00:00.000Z", "2026-12-04T00:00:00.000Z",
                                      "2026-12-11T00:00:00.000Z", "2026-12-13T00:00:00.000Z"}));
  // Only one restricted: that one alone counts (the other is '*').
  EXPECT_EQ(next("0 0 13 * *", "2026-11-25T00:00:00Z"), "2026-12-13T00:00:00.000Z");
  EXPECT_EQ(next("0 0 * * FRI", "2026-11-25T00:00:00Z"), "2026-11-27T00:00:00.000Z");
  // A field starting with '*' counts as unrestricted, even with a step (as Vixie cron): odd
  // days that are Fridays. Friday 27 Nov is odd; Friday 4 Dec is not; Friday 11 Dec is.
  EXPECT_EQ(runs("0 0 */2 * FRI", "2026-11-25T00:00:00Z", 2),
            (std::vector<std::string>{"2026-11-27T00:00:00.000Z", "2026-12-11T00:00:00.000Z"}));
  // In February, the 29th or a Monday: Monday 1 February 2027 comes first.
  EXPECT_EQ(next("0 0 29 2 MON", "2026-11-25T00:00:00Z"), "2027-02-01T00:00:00.000Z");
}

TEST(Cron, BerlinSpringForwardFiresOnceAtTheJump) {
  // 2026-03-29: 02:00 CET becomes 03:00 CEST (01:00 UTC); 02:30 does not exist that day.
  EXPECT_EQ(runs("30 2 * * *", "2026-03-27T12:00:00Z", 3, "Europe/Berlin"),
            (std::vector<std::string>{"2026-03-28T01:30:00.000Z",    // 02:30 CET
                                      "2026-03-29T01:00:00.000Z",    // the jump, 03:00 CEST
                                      "2026-03-30T00:30:00.000Z"}));  // 02:30 CEST
  // Every 20 minutes: 01:40 CET, then the gap's three times fire once, at the jump, then 03:00 CEST
  // is that same instant and does not fire again; 03:20 CEST next.
  EXPECT_EQ(runs("*/20 * * * *", "2026-03-29T00:30:00Z", 3, "Europe/Berlin"),
            (std::vector<std::string>{"2026-03-29T00:40:00.000Z", "2026-03-29T01:00:00.000Z",
                                      "2026-03-29T01:20:00.000Z"}));
}

TEST(Cron, BerlinFallBackFiresOnceTheFirstTime) {
  // 2026-10-25: 03:00 CEST becomes 02:00 CET; 02:30 happens at 00:30 and at 01:30 UTC.
  EXPECT_EQ(runs("30 2 * * *", "2026-10-24T12:00:00Z", 2, "Europe/Berlin"),
            (std::vector<std::string>{"2026-10-25T00:30:00.000Z", "2026-10-26T01:30:00.000Z"}));
  // Asked from inside the repeated hour's second pass, it does not fire again that day.
  EXPECT_EQ(next("30 2 * * *", "2026-10-25T01:10:00Z", "Europe/Berlin"), "2026-10-26T01:30:00.000Z");
  // Hourly: the repeated 02:00 fires once.
  EXPECT_EQ(runs("0 * * * *", "2026-10-24T23:30:00Z", 3, "Europe/Berlin"),
            (std::vector<std::string>{"2026-10-25T00:00:00.000Z",    // 02:00 CEST
                                      "2026-10-25T02:00:00.000Z",    // 03:00 CET
                                      "2026-10-25T03:00:00.000Z"}));
}

TEST(Cron, NewYorkChangesAtTwoInTheMorning) {
  // 2026-03-08: 02:00 EST -> 03:00 EDT (07:00 UTC). 2026-11-01: 02:00 EDT -> 01:00 EST.
  EXPECT_EQ(next("15 2 * * *", "2026-03-08T00:00:00Z", "America/New_York"), "2026-03-08T07:00:00.000Z");
  EXPECT_EQ(next("15 2 * * *", "2026-03-08T07:00:00Z", "America/New_York"), "2026-03-09T06:15:00.000Z");
  EXPECT_EQ(runs("30 1 * * *", "2026-10-31T12:00:00Z", 2, "America/New_York"),
            (std::vector<std::string>{"2026-11-01T05:30:00.000Z",    // 01:30 EDT, the first of two
                                      "2026-11-02T06:30:00.000Z"}));  // 01:30 EST
  EXPECT_EQ(next("0 9 * * *", "2026-11-25T00:00:00Z", "America/New_York"), "2026-11-25T14:00:00.000Z");
}

TEST(Cron, UnknownTimeZoneIsAValidationError) {
  EXPECT_THROW(time_zone_named("Mars/Olympus_Mons"), ValidationError);
  EXPECT_NO_THROW(time_zone_named("Europe/Berlin"));
}

}  // namespace
}  // namespace domainscan::scheduler
