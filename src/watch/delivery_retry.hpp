#pragma once
// When a webhook delivery that failed is tried again: exponential back-off with jitter,
// from a few seconds (the first retry within 10 s) to an hour apart, for up to a day after
// the event; then the delivery is given up (failed).
#include "core/clock.hpp"

#include <chrono>
#include <optional>

namespace domainscan::watch {

struct RetryPolicy {
  std::chrono::milliseconds first_delay{5'000};  // ±50% jitter: the first retry 2.5-7.5 s later
  std::chrono::milliseconds max_delay{std::chrono::hours(1)};
  std::chrono::milliseconds give_up_after{std::chrono::hours(24)};  // counted from the delivery's creation
};

// The next attempt after `attempts` failed ones (1 after the first failure), made at `now`
// for a delivery created at `created_at`; nullopt: give up. jitter is uniform in [0, 1).
// The last attempt is made at created_at + give_up_after.
std::optional<TimePoint> next_attempt_at(const RetryPolicy& policy, int attempts, TimePoint created_at, TimePoint now,
                                         double jitter);

}  // namespace domainscan::watch
