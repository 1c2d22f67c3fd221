#pragma once
// The bad-domain rules: what a finished scan means for its domain's status.
//   - NXDOMAIN: bad at once, reason "nxdomain".
//   - every network check failing: one more consecutive failure; at bad_after of them the
//     domain is bad, reason "unreachable" (until then its status stays as it was).
//   - anything else: ok, and the failure count starts again.
#include "store/model.hpp"

namespace domainscan::worker {

struct DomainVerdict {
  store::DomainStatus status = store::DomainStatus::ok;
  std::optional<std::string> bad_reason;
  int consecutive_failures = 0;
};

DomainVerdict judge_domain(const store::Domain& before, bool nxdomain, bool every_check_unreachable, int bad_after);

}  // namespace domainscan::worker
