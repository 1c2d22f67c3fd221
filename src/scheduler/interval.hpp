#pragma once
// The seed route's "interval=N" (N scans a day, 1-24) as a cron expression: N runs spread
// evenly over the day, shifted by a per-domain offset derived from the name so that many
// domains added together do not all fire in the same minute, and the same domain always
// gets the same times.
#include <string>

namespace domainscan::scheduler {

inline constexpr int kMinScansPerDay = 1;
inline constexpr int kMaxScansPerDay = 24;

// Throws ValidationError unless 1 <= scans_per_day <= 24.
std::string interval_to_cron(const std::string& domain, int scans_per_day);

}  // namespace domainscan::scheduler
