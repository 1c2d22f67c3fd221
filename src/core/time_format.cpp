#include "core/time_format.hpp"

#include <date/date.h>
#include <fmt/format.h>

#include <charconv>
#include <sstream>

namespace domainscan {
namespace {

// Digits [at, at+n) of text as a number, or -1.
int digits(std::string_view text, std::size_t at, std::size_t n) {
  int value = 0;
  const auto* first = text.data() + at;
  const auto [end, ec] = std::from_chars(first, first + n, value);
  return ec == std::errc{} && end == first + n ? value : -1;
}

// The form this program writes ("2026-11-24T20:56:00.123Z", or without the milliseconds),
// read without a stream: every time read from SQLite or an API body takes this path.
std::optional<TimePoint> parse_own_form(std::string_view text) {
  if (text.size() != 20 && text.size() != 24) return std::nullopt;
  if (text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' || text[16] != ':' || text.back() != 'Z') {
    return std::nullopt;
  }
  const int year = digits(text, 0, 4), month = digits(text, 5, 2), day = digits(text, 8, 2);
  const int hour = digits(text, 11, 2), minute = digits(text, 14, 2), second = digits(text, 17, 2);
  int millis = 0;
  if (text.size() == 24) {
    if (text[19] != '.') return std::nullopt;
    millis = digits(text, 20, 3);
  }
  if (year < 0 || month < 0 || day < 0 || hour > 23 || hour < 0 || minute > 59 || minute < 0 || second > 59 ||
      second < 0 || millis < 0) {
    return std::nullopt;
  }
  const date::year_month_day ymd{date::year(year), date::month(static_cast<unsigned>(month)),
                                 date::day(static_cast<unsigned>(day))};
  if (!ymd.ok()) return std::nullopt;
  return TimePoint(date::sys_days(ymd).time_since_epoch()) + std::chrono::hours(hour) + std::chrono::minutes(minute) +
         std::chrono::seconds(second) + std::chrono::milliseconds(millis);
}

}  // namespace

std::string to_rfc3339(TimePoint t) {
  // date::format's stream is the slow part of rendering a scan: the fields by hand.
  const auto day = std::chrono::floor<date::days>(t);
  const date::year_month_day ymd(day);
  const date::hh_mm_ss<std::chrono::milliseconds> time(t - day);
  const int year = static_cast<int>(ymd.year());
  if (year < 0 || year > 9999) return date::format("%FT%TZ", t);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", year, static_cast<unsigned>(ymd.month()),
                     static_cast<unsigned>(ymd.day()), time.hours().count(), time.minutes().count(),
                     time.seconds().count(), time.subseconds().count());
}

std::optional<TimePoint> parse_rfc3339(std::string_view text) {
  if (auto t = parse_own_form(text)) return t;
  for (const char* fmt : {"%FT%T%Ez", "%FT%TZ", "%F %T%Ez", "%F %T"}) {
    std::istringstream in{std::string(text)};
    std::chrono::time_point<Clock, std::chrono::microseconds> t;
    in >> date::parse(fmt, t);
    if (!in.fail()) return std::chrono::floor<std::chrono::milliseconds>(t);
  }
  return std::nullopt;
}

}  // namespace domainscan
