#pragma once
// Checks a schedule before it is stored: the cron expression's shape and the IANA time
// zone (against the system's tz database, via date/tz). Throws ValidationError with code
// "invalid_schedule". (The full cron grammar, with ranges checked field by field, comes
// with the scheduler.)
#include "store/model.hpp"

namespace domainscan::scheduler {

void validate_schedule(const store::Schedule& schedule);

}  // namespace domainscan::scheduler
