#pragma once
// The next_run_at both backends write for a schedule: when it fires next after `now`, or,
// for one that never does (its time zone left the tz database, say), a year from now, when
// it is looked at again, so that it neither fires nor is recomputed on every round.
#include "store/store.hpp"

#include <spdlog/spdlog.h>

namespace domainscan::store {

inline TimePoint next_run_or_later(const Store::NextRun& next_run, const Schedule& schedule, TimePoint now) {
  if (auto next = next_run(schedule, now)) return *next;
  spdlog::warn("scheduler: '{}' in {} never fires; looking again in a year", schedule.cron, schedule.timezone);
  return now + std::chrono::days(365);
}

}  // namespace domainscan::store
