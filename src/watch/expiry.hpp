#pragma once
// Expiry alerts: a certificate or a registration coming within a threshold of its end
// (--expiry-thresholds, days: 30, 14, 7, 1 by default) is told once per threshold, and
// again only after a renewal (a new not_after or expiry date is a new subject). A scan that
// finds several thresholds crossed at once (a first scan 5 days before expiry) tells the
// most urgent one and counts the others as told.
#include "core/clock.hpp"
#include "store/model.hpp"

#include <boost/json/object.hpp>

#include <vector>

namespace domainscan::watch {

inline const std::vector<int> kDefaultExpiryThresholds = {30, 14, 7, 1};

struct ExpiryEvent {
  store::NewEvent event;                   // certificate.expiring or registration.expiring
  std::vector<store::ExpiryAlert> crossed;  // every threshold now told, the event's own included
};

// result: a completed scan's {"checks": ...}; sent: the alerts already told for the domain.
std::vector<ExpiryEvent> expiry_events(const boost::json::object& result, TimePoint now,
                                       const std::vector<int>& thresholds,
                                       const std::vector<store::ExpiryAlert>& sent);

}  // namespace domainscan::watch
