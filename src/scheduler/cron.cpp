#include "scheduler/cron.hpp"

#include "core/errors.hpp"
#include "core/text.hpp"

#include <date/tz.h>
#include <fmt/format.h>

#include <array>
#include <charconv>
#include <vector>

namespace domainscan::scheduler {
namespace {

using namespace std::chrono;

constexpr std::size_t kMaxLength = 200;
// Long enough for any date the fields can name (29 February comes every 4 years at most 8
// apart); an expression with no match in this window never matches.
constexpr int kSearchDays = 366 * 9;

[[noreturn]] void reject(const std::string& message) { throw ValidationError("invalid_schedule", message); }

struct FieldSpec {
  const char* name;
  int min;
  int max;
  const char* const* names;  // names for min, min+1, ... or null
  int name_count;
};

constexpr const char* kMonthNames[] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                       "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
constexpr const char* kWeekdayNames[] = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};

constexpr std::array<FieldSpec, 5> kFields = {{
    {"minute", 0, 59, nullptr, 0},
    {"hour", 0, 23, nullptr, 0},
    {"day-of-month", 1, 31, nullptr, 0},
    {"month", 1, 12, kMonthNames, 12},
    {"day-of-week", 0, 7, kWeekdayNames, 7},  // 7 is Sunday, as 0
}};

int value_of(const FieldSpec& f, std::string_view token) {
  if (token.empty()) reject(fmt::format("{}: an empty value", f.name));
  int v = 0;
  const auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), v);
  if (ec == std::errc{} && end == token.data() + token.size()) {
    if (v < f.min || v > f.max) reject(fmt::format("{} {} out of range {}-{}", f.name, token, f.min, f.max));
    return v;
  }
  for (int i = 0; i < f.name_count; ++i) {
    if (iequals(token, f.names[i])) return f.min + i;
  }
  reject(fmt::format("{}: '{}' is not a number{}", f.name, token, f.names ? " or a name" : ""));
}

int step_of(const FieldSpec& f, std::string_view token) {
  int step = 0;
  const auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), step);
  if (ec != std::errc{} || end != token.data() + token.size()) {
    reject(fmt::format("{}: step '{}' is not a number", f.name, token));
  }
  if (step < 1 || step > f.max - f.min + 1) {
    reject(fmt::format("{} step {} out of range 1-{}", f.name, step, f.max - f.min + 1));
  }
  return step;
}

// Parses one field into the values it allows; the bool says whether it starts with '*'.
std::pair<std::vector<bool>, bool> parse_field(const FieldSpec& f, std::string_view field) {
  std::vector<bool> allowed(static_cast<std::size_t>(f.max + 1), false);
  std::size_t start = 0;
  while (start <= field.size()) {
    const auto comma = field.find(',', start);
    const auto item = field.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    if (item.empty()) reject(fmt::format("{}: an empty list item in '{}'", f.name, field));
    const auto slash = item.find('/');
    const auto range = item.substr(0, slash);
    const int step = slash == std::string_view::npos ? 1 : step_of(f, item.substr(slash + 1));
    int from = f.min, to = f.max;
    if (range != "*") {
      const auto dash = range.find('-');
      from = value_of(f, range.substr(0, dash));
      if (dash != std::string_view::npos) {
        to = value_of(f, range.substr(dash + 1));
        if (to < from) reject(fmt::format("{} range {} runs backwards", f.name, range));
      } else if (slash == std::string_view::npos) {
        to = from;  // a single value; "5/15" means 5-max every 15
      }
    }
    for (int v = from; v <= to; v += step) allowed[static_cast<std::size_t>(v)] = true;
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return {std::move(allowed), field.front() == '*'};
}

std::string_view expand_macro(std::string_view text) {
  if (text == "@yearly" || text == "@annually") return "0 0 1 1 *";
  if (text == "@monthly") return "0 0 1 * *";
  if (text == "@weekly") return "0 0 * * 0";
  if (text == "@daily" || text == "@midnight") return "0 0 * * *";
  if (text == "@hourly") return "0 * * * *";
  reject(fmt::format("unknown cron macro '{}' (known: @hourly @daily @midnight @weekly @monthly @yearly @annually)",
                     text));
}

// The instant a local time stands for: the first of two (fall back), or the instant the
// clocks jump over it (spring forward).
sys_seconds to_instant(date::local_seconds t, const date::time_zone& zone) {
  const auto info = zone.get_info(t);
  switch (info.result) {
    case date::local_info::unique:
    case date::local_info::ambiguous: return sys_seconds{t.time_since_epoch()} - info.first.offset;
    case date::local_info::nonexistent: return info.second.begin;
  }
  return sys_seconds{t.time_since_epoch()} - info.first.offset;
}

}  // namespace

CronExpression CronExpression::parse(std::string_view input) {
  const auto text = trim(input);
  if (text.empty()) reject("the cron expression is empty");
  if (text.size() > kMaxLength) reject(fmt::format("the cron expression is longer than {} characters", kMaxLength));
  const auto expanded = text.front() == '@' ? expand_macro(text) : text;

  std::vector<std::string_view> fields;
  std::size_t i = 0;
  while (i < expanded.size()) {
    while (i < expanded.size() && (expanded[i] == ' ' || expanded[i] == '\t')) ++i;
    const auto begin = i;
    while (i < expanded.size() && expanded[i] != ' ' && expanded[i] != '\t') ++i;
    if (i > begin) fields.push_back(expanded.substr(begin, i - begin));
  }
  if (fields.size() != kFields.size()) {
    reject(fmt::format("a cron expression has 5 fields (minute hour day-of-month month day-of-week), not {}",
                       fields.size()));
  }

  CronExpression c;
  c.text_ = std::string(text);
  const auto set = [&](std::size_t index, auto& bits) {
    auto [allowed, star] = parse_field(kFields[index], fields[index]);
    for (std::size_t v = 0; v < allowed.size(); ++v) {
      if (allowed[v]) bits.set(v % bits.size());  // day-of-week 7 lands on 0, Sunday
    }
    return !star;
  };
  set(0, c.minutes_);
  set(1, c.hours_);
  c.days_restricted_ = set(2, c.days_);
  set(3, c.months_);
  c.weekdays_restricted_ = set(4, c.weekdays_);
  return c;
}

bool CronExpression::day_matches(int day_of_month, int month, int weekday) const {
  if (!months_.test(static_cast<std::size_t>(month))) return false;
  const bool dom = days_.test(static_cast<std::size_t>(day_of_month));
  const bool dow = weekdays_.test(static_cast<std::size_t>(weekday));
  if (days_restricted_ && weekdays_restricted_) return dom || dow;
  return dom && dow;
}

std::optional<TimePoint> CronExpression::next_after(TimePoint after, const date::time_zone& zone) const {
  const auto after_s = floor<seconds>(after);
  // Candidates are whole local minutes from the one after `after`'s minute on.
  const auto first = zone.to_local(floor<minutes>(after_s) + minutes(1));
  auto day = date::floor<date::days>(first);
  auto from_minute = date::floor<minutes>(first - day);
  for (int n = 0; n < kSearchDays; ++n, day += date::days(1), from_minute = minutes(0)) {
    const date::year_month_day ymd{day};
    const date::weekday wd{day};
    if (!day_matches(static_cast<int>(static_cast<unsigned>(ymd.day())),
                     static_cast<int>(static_cast<unsigned>(ymd.month())), static_cast<int>(wd.c_encoding()))) {
      continue;
    }
    for (int h = static_cast<int>(from_minute.count() / 60); h < 24; ++h) {
      if (!hours_.test(static_cast<std::size_t>(h))) continue;
      const int m0 = h == from_minute.count() / 60 ? static_cast<int>(from_minute.count() % 60) : 0;
      for (int m = m0; m < 60; ++m) {
        if (!minutes_.test(static_cast<std::size_t>(m))) continue;
        const auto instant = to_instant(date::local_seconds{day.time_since_epoch()} + hours(h) + minutes(m), zone);
        // A local time of the repeated hour, or one in a gap, can stand for an instant at
        // or before `after`: it has fired already.
        if (instant > after_s) return TimePoint(instant);
      }
    }
  }
  return std::nullopt;
}

const date::time_zone& time_zone_named(const std::string& name) {
  try {
    return *date::locate_zone(name);
  } catch (const std::exception&) {
    reject(fmt::format("unknown time zone '{}'", name));
  }
}

}  // namespace domainscan::scheduler
