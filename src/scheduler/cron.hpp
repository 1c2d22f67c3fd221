#pragma once
// Cron expressions: the five standard fields (minute hour day-of-month month day-of-week)
// with lists, ranges, steps and names (JAN-DEC, SUN-SAT; 7 is Sunday too), and the macros
// @hourly @daily @midnight @weekly @monthly @yearly @annually.
//
// Day rule (as Vixie cron): when both day-of-month and day-of-week are restricted (neither
// starts with '*'), a day matching either fires; otherwise a day must match both.
//
// Times are local to an IANA time zone (date/tz over the system's tz database). Across DST
// changes: a local time that does not exist (spring forward) fires once, at the instant
// the clocks jump; a local time that happens twice (fall back) fires once, the first time.
#include "core/clock.hpp"

#include <bitset>
#include <optional>
#include <string>
#include <string_view>

namespace date {
class time_zone;
}

namespace domainscan::scheduler {

class CronExpression {
 public:
  // Throws ValidationError (code "invalid_schedule") saying what is wrong, e.g.
  // "minute 61 out of range 0-59".
  static CronExpression parse(std::string_view text);

  // The first instant strictly after `after` at which the expression fires in `zone`;
  // nullopt if it never does (e.g. "0 0 30 2 *") within the next years searched.
  std::optional<TimePoint> next_after(TimePoint after, const date::time_zone& zone) const;

  const std::string& text() const { return text_; }

 private:
  bool day_matches(int day_of_month, int month, int weekday) const;

  std::string text_;
  std::bitset<60> minutes_;
  std::bitset<24> hours_;
  std::bitset<32> days_;      // 1-31
  std::bitset<13> months_;    // 1-12
  std::bitset<7> weekdays_;   // 0 Sunday - 6 Saturday
  bool days_restricted_ = false;
  bool weekdays_restricted_ = false;
};

// Looks the zone up in the tz database; throws ValidationError ("invalid_schedule",
// "unknown time zone 'X'") if there is none.
const date::time_zone& time_zone_named(const std::string& name);

}  // namespace domainscan::scheduler
