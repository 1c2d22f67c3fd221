#include "scheduler/schedule_validation.hpp"

#include "core/errors.hpp"

#include <date/tz.h>
#include <fmt/format.h>

#include <sstream>

namespace domainscan::scheduler {
namespace {

constexpr std::size_t kMaxCronLength = 200;

void reject(const std::string& message) { throw ValidationError("invalid_schedule", message); }

}  // namespace

void validate_schedule(const store::Schedule& schedule) {
  const auto& cron = schedule.cron;
  if (cron.empty()) reject("the cron expression is empty");
  if (cron.size() > kMaxCronLength) reject("the cron expression is too long");
  if (cron.front() == '@') {
    static const char* macros[] = {"@hourly", "@daily", "@midnight", "@weekly", "@monthly", "@yearly", "@annually"};
    if (std::find(std::begin(macros), std::end(macros), cron) == std::end(macros)) {
      reject(fmt::format("unknown cron macro '{}'", cron));
    }
  } else {
    std::istringstream fields(cron);
    std::string field;
    int count = 0;
    while (fields >> field) {
      ++count;
      if (field.find_first_not_of("0123456789*/,-ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") !=
          std::string::npos) {
        reject(fmt::format("cron field '{}' holds an unexpected character", field));
      }
    }
    if (count != 5) reject(fmt::format("a cron expression has 5 fields (minute hour day month weekday), not {}", count));
  }
  try {
    date::locate_zone(schedule.timezone);
  } catch (const std::exception&) {
    reject(fmt::format("unknown time zone '{}'", schedule.timezone));
  }
}

}  // namespace domainscan::scheduler
