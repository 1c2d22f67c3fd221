#include "scheduler/schedule_validation.hpp"

#include "core/errors.hpp"
#include "scheduler/cron.hpp"

#include <fmt/format.h>

namespace domainscan::scheduler {

void validate_schedule(const store::Schedule& schedule) {
  const auto cron = CronExpression::parse(schedule.cron);
  const auto& zone = time_zone_named(schedule.timezone);
  if (!cron.next_after(now_ms(), zone)) {
    throw ValidationError("invalid_schedule",
                          fmt::format("the cron expression '{}' names no date that exists (such as 30 February)",
                                      schedule.cron));
  }
}

}  // namespace domainscan::scheduler
