#include "watch/delivery_retry.hpp"

#include <algorithm>
#include <cmath>

namespace domainscan::watch {

std::optional<TimePoint> next_attempt_at(const RetryPolicy& policy, int attempts, TimePoint created_at, TimePoint now,
                                         double jitter) {
  const auto deadline = created_at + policy.give_up_after;
  if (now >= deadline) return std::nullopt;
  // first_delay × 2^(attempts-1), capped (the exponent too, so that it cannot overflow).
  const int doublings = std::clamp(attempts - 1, 0, 30);
  const double base = std::min(static_cast<double>(policy.first_delay.count()) * std::pow(2.0, doublings),
                               static_cast<double>(policy.max_delay.count()));
  // Full ±50% jitter: receivers that came back are not hit by every retry at once.
  const auto delay = std::chrono::milliseconds(static_cast<std::int64_t>(base * (0.5 + std::clamp(jitter, 0.0, 1.0))));
  return std::min(now + delay, deadline);
}

}  // namespace domainscan::watch
