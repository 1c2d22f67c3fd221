#include "worker/bad_domain.hpp"

namespace domainscan::worker {

DomainVerdict judge_domain(const store::Domain& before, bool nxdomain, bool every_check_unreachable, int bad_after) {
  if (nxdomain) return {store::DomainStatus::bad, "nxdomain", before.consecutive_failures + 1};
  if (every_check_unreachable) {
    const int failures = before.consecutive_failures + 1;
    if (failures >= bad_after) return {store::DomainStatus::bad, "unreachable", failures};
    return {before.status, before.bad_reason, failures};
  }
  return {store::DomainStatus::ok, std::nullopt, 0};
}

}  // namespace domainscan::worker
