#pragma once
// Checks a schedule before it is stored: the cron expression (scheduler/cron.hpp), the
// IANA time zone (the system's tz database, via date/tz), and that it fires at all.
// Throws ValidationError with code "invalid_schedule" and a message saying what is wrong.
#include "store/model.hpp"

namespace domainscan::scheduler {

void validate_schedule(const store::Schedule& schedule);

}  // namespace domainscan::scheduler
