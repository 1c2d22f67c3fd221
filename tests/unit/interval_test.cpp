// The seed route's "interval=N" turned into a cron expression.
#include "core/errors.hpp"
#include "core/time_format.hpp"
#include "scheduler/cron.hpp"
#include "scheduler/interval.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <sstream>

namespace domainscan::scheduler {
namespace {

struct Parsed {
  int minute = -1;
  std::vector<int> hours;
  std::string rest;
};

Parsed parse(const std::string& cron) {
  std::istringstream in(cron);
  std::string minute, hours, dom, month, dow;
  in >> minute >> hours >> dom >> month >> dow;
  Parsed p;
  p.minute = std::stoi(minute);
  std::istringstream h(hours);
  for (std::string item; std::getline(h, item, ',');) p.hours.push_back(std::stoi(item));
  p.rest = dom + " " + month + " " + dow;
  return p;
}

TEST(IntervalToCron, RunsNTimesADayEvenlySpaced) {
  for (int n = 1; n <= 24; ++n) {
    const auto p = parse(interval_to_cron("example.com", n));
    SCOPED_TRACE(n);
    EXPECT_EQ(p.rest, "* * *");
    EXPECT_GE(p.minute, 0);
    EXPECT_LT(p.minute, 60);
    ASSERT_EQ(p.hours.size(), static_cast<std::size_t>(n));
    for (std::size_t i = 0; i < p.hours.size(); ++i) {
      EXPECT_GE(p.hours[i], 0);
      EXPECT_LT(p.hours[i], 24);
      if (i > 0) {
        const int gap = p.hours[i] - p.hours[i - 1];
        EXPECT_GE(gap, 24 / n);
        EXPECT_LE(gap, 24 / n + 1);
      }
    }
  }
  EXPECT_EQ(parse(interval_to_cron("example.com", 24)).hours.front(), 0);
}

TEST(IntervalToCron, TheSameDomainKeepsItsTimesAndDomainsAreSpread) {
  EXPECT_EQ(interval_to_cron("example.com", 4), interval_to_cron("example.com", 4));
  std::set<int> minutes;
  for (int i = 0; i < 100; ++i) minutes.insert(parse(interval_to_cron(fmt::format("d{}.com", i), 1)).minute);
  EXPECT_GT(minutes.size(), 30u);  // 100 domains added together do not share one minute
}

TEST(IntervalToCron, TenThousandDomainsAddedTogetherAreSpreadOverTheDay) {
  // Once a day each: when does each first fire after midnight, and how many share a minute?
  const auto midnight = *parse_rfc3339("2026-11-25T00:00:00Z");
  std::map<TimePoint, int> per_minute;
  for (int i = 0; i < 10'000; ++i) {
    const auto cron = CronExpression::parse(interval_to_cron(fmt::format("customer{}.example", i), 1));
    ++per_minute[*cron.next_after(midnight - std::chrono::minutes(1), time_zone_named("UTC"))];
  }
  int busiest = 0;
  for (const auto& [minute, n] : per_minute) busiest = std::max(busiest, n);
  EXPECT_GT(per_minute.size(), 1300u);  // of the 1440 minutes of a day
  EXPECT_LE(busiest, 25) << "the average is 7";
}

TEST(IntervalToCron, RefusesOutOfRange) {
  EXPECT_THROW(interval_to_cron("example.com", 0), ValidationError);
  EXPECT_THROW(interval_to_cron("example.com", 25), ValidationError);
  EXPECT_THROW(interval_to_cron("example.com", -3), ValidationError);
}

}  // namespace
}  // namespace domainscan::scheduler
