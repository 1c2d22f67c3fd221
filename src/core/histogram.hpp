#pragma once
// A histogram of durations with fixed bucket bounds, for Prometheus (rendered by
// api/metrics.hpp's render_histogram). Lock-free: any thread observes.
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>

namespace domainscan {

class DurationHistogram {
 public:
  // Upper bounds in seconds: from a cached HTTP answer to a scan that waits out timeouts.
  static constexpr std::array<double, 14> kBounds = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                                     0.25,  0.5,    1,     2.5,  5,     10,   30};

  void observe(std::chrono::steady_clock::duration d) {
    const double seconds = std::chrono::duration<double>(d).count();
    std::size_t i = 0;
    while (i < kBounds.size() && seconds > kBounds[i]) ++i;
    buckets_[i].fetch_add(1, std::memory_order_relaxed);  // i == size: beyond the last bound
    sum_us_.fetch_add(static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(d).count()),
                      std::memory_order_relaxed);
  }

  // Observations in bucket i alone (not cumulative); i == kBounds.size() is +Inf's own.
  std::uint64_t bucket(std::size_t i) const { return buckets_[i].load(std::memory_order_relaxed); }
  double sum_seconds() const { return static_cast<double>(sum_us_.load(std::memory_order_relaxed)) / 1e6; }

 private:
  std::array<std::atomic<std::uint64_t>, kBounds.size() + 1> buckets_{};
  std::atomic<std::uint64_t> sum_us_{0};
};

}  // namespace domainscan
