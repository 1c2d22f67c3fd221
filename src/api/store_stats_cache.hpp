#pragma once
// The database's counts for /metrics (domains by status, scans queued and running), kept for
// a few seconds: however often /metrics is asked, and by however many scrapers, the counting
// queries run at most once per max_age. Handlers of any thread share it.
#include "store/model.hpp"

#include <chrono>
#include <mutex>
#include <optional>

namespace domainscan::api {

class StoreStatsCache {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::chrono::seconds kMaxAge{10};

  explicit StoreStatsCache(Clock::duration max_age = kMaxAge) : max_age_(max_age) {}

  // What was kept less than max_age ago, or nullopt.
  std::optional<store::StoreStats> fresh(Clock::time_point now) const {
    std::lock_guard lock(mutex_);
    if (!kept_ || now - kept_at_ >= max_age_) return std::nullopt;
    return kept_;
  }
  void keep(const store::StoreStats& stats, Clock::time_point now) {
    std::lock_guard lock(mutex_);
    kept_ = stats;
    kept_at_ = now;
  }

 private:
  Clock::duration max_age_;
  mutable std::mutex mutex_;
  std::optional<store::StoreStats> kept_;
  Clock::time_point kept_at_{};
};

}  // namespace domainscan::api
