#pragma once
// The events a completed scan causes (issue 12): domain.changed when it differs from the
// domain's previous completed scan in what matters (watch/scan_diff.hpp), domain.bad and
// domain.recovered when the domain's status turns, and certificate.expiring or
// registration.expiring when an expiry threshold is crossed (watch/expiry.hpp). The first
// scan of a domain has nothing to compare: no domain.changed, but expiry events.
#include "store/model.hpp"
#include "watch/scan_diff.hpp"

#include <vector>

namespace domainscan::watch {

struct ScanFacts {
  const store::Scan* previous = nullptr;  // the previous completed scan, with its result
  ScanSide now;                           // this scan
  store::DomainStatus status_before = store::DomainStatus::pending;
  store::DomainStatus status_after = store::DomainStatus::pending;
  std::optional<std::string> bad_reason_before;
  std::optional<std::string> bad_reason_after;
};

struct ScanEvents {
  std::vector<store::NewEvent> events;
  std::vector<store::ExpiryAlert> alerts;  // to record as sent (see ScanCompletion::alerts)
};

ScanEvents events_for_scan(const ScanFacts& facts, TimePoint now, const std::vector<int>& expiry_thresholds,
                           const std::vector<store::ExpiryAlert>& sent_alerts);

// A stored scan as one side of a comparison (its result parsed).
ScanSide side_of(const store::Scan& scan);

}  // namespace domainscan::watch
