#pragma once
// The bad-domain rules: what a finished scan means for its domain's status.
//   - not registered (the registry's RDAP server does not know it) and its DNS does not
//     resolve it (NXDOMAIN, or no answer at all): bad at once, reason "not_registered".
//   - NXDOMAIN: bad at once, reason "nxdomain".
//   - every check of the domain's own servers (DNS, TLS, HTTP, e-mail) failing to reach
//     them: one more consecutive failure; at bad_after of them the domain is bad, reason
//     "unreachable" (until then its status stays as it was). The registry and the
//     reputation service answering do not count: they are not the domain's servers.
//   - the worker's own resolver refused the lookups (REFUSED) or did not answer at all
//     (down), or the worker ran out of its own resources (descriptors, memory, ports) in a
//     check: nothing changes, since the scan says nothing about the domain.
//   - anything else: ok, and the failure count starts again.
#include "store/model.hpp"

namespace domainscan::worker {

// What the scan found that the rules look at (scan::ScanReport's flags).
struct ScanEvidence {
  bool nxdomain = false;
  bool dns_unanswered = false;
  bool every_check_unreachable = false;
  bool not_registered = false;
  bool resolver_refused = false;
  bool resolver_unreachable = false;
  bool scanner_failure = false;
};

struct DomainVerdict {
  store::DomainStatus status = store::DomainStatus::ok;
  std::optional<std::string> bad_reason;
  int consecutive_failures = 0;
};

DomainVerdict judge_domain(const store::Domain& before, const ScanEvidence& scan, int bad_after);

}  // namespace domainscan::worker
