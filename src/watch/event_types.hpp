#pragma once
// The types of event a scan can cause (watch/scan_events.hpp): what the API's type filter
// accepts and, later, what a webhook may subscribe to.
#include <algorithm>
#include <array>
#include <string_view>

namespace domainscan::watch {

inline constexpr std::array<std::string_view, 5> kEventTypes = {
    "domain.changed", "domain.bad", "domain.recovered", "certificate.expiring", "registration.expiring"};

inline bool is_event_type(std::string_view type) {
  return std::find(kEventTypes.begin(), kEventTypes.end(), type) != kEventTypes.end();
}

}  // namespace domainscan::watch
