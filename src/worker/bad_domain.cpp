#include "worker/bad_domain.hpp"

namespace domainscan::worker {

DomainVerdict judge_domain(const store::Domain& before, const ScanEvidence& scan, int bad_after) {
  if (scan.resolver_refused || scan.resolver_unreachable || scan.scanner_failure) {
    return {before.status, before.bad_reason, before.consecutive_failures};
  }
  const int failures = before.consecutive_failures + 1;
  if (scan.not_registered && (scan.nxdomain || scan.dns_unanswered)) {
    return {store::DomainStatus::bad, "not_registered", failures};
  }
  if (scan.nxdomain) return {store::DomainStatus::bad, "nxdomain", failures};
  if (scan.every_check_unreachable) {
    if (failures >= bad_after) return {store::DomainStatus::bad, "unreachable", failures};
    return {before.status, before.bad_reason, failures};
  }
  return {store::DomainStatus::ok, std::nullopt, 0};
}

}  // namespace domainscan::worker
