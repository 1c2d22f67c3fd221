// A cron expression and a time zone from any bytes (the zone after the first newline):
// parse either refuses with ValidationError or gives an expression whose next run, if any,
// is after the instant asked about.
#include "core/errors.hpp"
#include "scheduler/cron.hpp"

#include <date/tz.h>

#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto newline = input.find('\n');
  const auto expression = input.substr(0, newline);
  const std::string zone_name(newline == std::string_view::npos ? std::string_view("UTC") : input.substr(newline + 1));
  using namespace domainscan;
  try {
    const auto cron = scheduler::CronExpression::parse(expression);
    const auto& zone = scheduler::time_zone_named(zone_name);
    const TimePoint after{std::chrono::milliseconds(1'800'000'000'000)};
    if (const auto next = cron.next_after(after, zone); next && *next <= after) std::abort();
  } catch (const ValidationError&) {
  }
  return 0;
}
