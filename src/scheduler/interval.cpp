#include "scheduler/interval.hpp"

#include "core/errors.hpp"

#include <fmt/format.h>

#include <cstdint>

namespace domainscan::scheduler {
namespace {

// FNV-1a: a stable hash (std::hash may differ between builds), so a domain keeps its times.
std::uint32_t stable_hash(const std::string& s) {
  std::uint32_t h = 2166136261u;
  for (unsigned char c : s) {
    h ^= c;
    h *= 16777619u;
  }
  return h;
}

}  // namespace

std::string interval_to_cron(const std::string& domain, int scans_per_day) {
  if (scans_per_day < kMinScansPerDay || scans_per_day > kMaxScansPerDay) {
    throw ValidationError("invalid_interval",
                          fmt::format("interval must be between {} and {} scans a day", kMinScansPerDay, kMaxScansPerDay));
  }
  const std::uint32_t h = stable_hash(domain);
  const int minute = static_cast<int>(h % 60);
  // Hours are spread over the day: run i at hour floor(i * 24 / N), all shifted by an
  // offset smaller than the shortest gap, so they stay evenly spaced.
  const int shortest_gap = 24 / scans_per_day;
  const int offset = static_cast<int>((h / 60) % static_cast<std::uint32_t>(shortest_gap));
  std::string hours;
  for (int i = 0; i < scans_per_day; ++i) {
    if (!hours.empty()) hours += ',';
    hours += std::to_string(i * 24 / scans_per_day + offset);
  }
  return fmt::format("{} {} * * *", minute, hours);
}

}  // namespace domainscan::scheduler
