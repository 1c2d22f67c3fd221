#include "api/rate_limiter.hpp"

#include <algorithm>
#include <cmath>

namespace domainscan::api {

RateLimiter::RateLimiter(RateLimit limit, std::size_t max_clients)
    : limit_(limit), max_clients_(std::max<std::size_t>(1, max_clients)) {}

RateLimiter::Bucket& RateLimiter::refilled(const std::string& client, Clock::time_point now) {
  auto it = buckets_.find(client);
  if (it == buckets_.end()) {
    if (buckets_.size() >= max_clients_) {
      buckets_.erase(lru_.back());
      lru_.pop_back();
    }
    lru_.push_front(client);
    it = buckets_.emplace(client, Bucket{limit_.burst, now, lru_.begin()}).first;
  } else {
    lru_.splice(lru_.begin(), lru_, it->second.lru);
  }
  auto& b = it->second;
  const double elapsed = std::chrono::duration<double>(now - b.refilled).count();
  b.tokens = std::min(limit_.burst, b.tokens + std::max(0.0, elapsed) * limit_.per_second);
  b.refilled = now;
  return b;
}

void RateLimiter::charge(const std::string& client, double cost, Clock::time_point now) {
  if (!limit_.enabled()) return;
  std::lock_guard lock(mutex_);
  refilled(client, now).tokens -= cost;
}

RateLimiter::Decision RateLimiter::take(const std::string& client, double cost, Clock::time_point now) {
  Decision d;
  if (!limit_.enabled()) return d;
  std::lock_guard lock(mutex_);
  auto& b = refilled(client, now);
  const auto seconds_for = [&](double tokens) {
    return std::chrono::seconds(static_cast<long>(std::ceil(std::max(0.0, tokens) / limit_.per_second)));
  };
  if (b.tokens >= cost) {
    b.tokens -= cost;
  } else {
    d.allowed = false;
    d.retry_after = std::max(std::chrono::seconds(1), seconds_for(cost - b.tokens));
  }
  d.remaining = std::max(0L, static_cast<long>(std::floor(b.tokens)));  // none while in debt
  d.reset = seconds_for(limit_.burst - b.tokens);
  return d;
}

std::size_t RateLimiter::clients() const {
  std::lock_guard lock(mutex_);
  return buckets_.size();
}

}  // namespace domainscan::api
