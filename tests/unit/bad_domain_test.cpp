// The bad-domain rules of worker/bad_domain.hpp.
#include "worker/bad_domain.hpp"

#include <gtest/gtest.h>

namespace domainscan::worker {
namespace {

using store::DomainStatus;

store::Domain domain(DomainStatus status, int failures) {
  store::Domain d;
  d.name = "example.com";
  d.status = status;
  d.consecutive_failures = failures;
  return d;
}

ScanEvidence nxdomain() { return ScanEvidence{.nxdomain = true}; }
ScanEvidence unreachable() { return ScanEvidence{.dns_unanswered = true, .every_check_unreachable = true}; }
ScanEvidence reached() { return ScanEvidence{}; }

TEST(BadDomain, NxdomainIsBadAtOnce) {
  const auto v = judge_domain(domain(DomainStatus::ok, 0), nxdomain(), 3);
  EXPECT_EQ(v.status, DomainStatus::bad);
  EXPECT_EQ(v.bad_reason, "nxdomain");
}

TEST(BadDomain, UnreachableBecomesBadAfterTheConfiguredNumberOfScans) {
  auto d = domain(DomainStatus::pending, 0);
  for (int scan = 1; scan < 3; ++scan) {
    const auto v = judge_domain(d, unreachable(), 3);
    EXPECT_EQ(v.status, DomainStatus::pending) << scan;
    EXPECT_EQ(v.consecutive_failures, scan);
    d.consecutive_failures = v.consecutive_failures;
  }
  const auto v = judge_domain(d, unreachable(), 3);
  EXPECT_EQ(v.status, DomainStatus::bad);
  EXPECT_EQ(v.bad_reason, "unreachable");
  EXPECT_EQ(judge_domain(domain(DomainStatus::ok, 0), unreachable(), 1).status, DomainStatus::bad);
}

TEST(BadDomain, NotRegisteredWithNoDnsIsBadAtOnceForThatReason) {
  auto with_nxdomain = nxdomain();
  with_nxdomain.not_registered = true;
  auto v = judge_domain(domain(DomainStatus::ok, 0), with_nxdomain, 3);
  EXPECT_EQ(v.status, DomainStatus::bad);
  EXPECT_EQ(v.bad_reason, "not_registered");

  // A failing delegation is no NXDOMAIN, but with the registry's word it is as final.
  auto dead_delegation = unreachable();
  dead_delegation.not_registered = true;
  v = judge_domain(domain(DomainStatus::pending, 0), dead_delegation, 3);
  EXPECT_EQ(v.status, DomainStatus::bad);
  EXPECT_EQ(v.bad_reason, "not_registered");
}

TEST(BadDomain, TheRegistryAloneDoesNotMakeAResolvingDomainBad) {
  // The registry's RDAP server may lag, or not cover the name: the DNS answering wins.
  auto resolves = reached();
  resolves.not_registered = true;
  const auto v = judge_domain(domain(DomainStatus::ok, 0), resolves, 3);
  EXPECT_EQ(v.status, DomainStatus::ok);
  EXPECT_FALSE(v.bad_reason);
}

TEST(BadDomain, AScanTheResolverRefusedChangesNothing) {
  // The worker's resolver refusing it is the worker's problem: neither a failure of the
  // domain nor a sign of life.
  auto refused = unreachable();
  refused.resolver_refused = true;
  auto bad = domain(DomainStatus::bad, 4);
  bad.bad_reason = "unreachable";
  auto v = judge_domain(bad, refused, 3);
  EXPECT_EQ(v.status, DomainStatus::bad);
  EXPECT_EQ(v.bad_reason, "unreachable");
  EXPECT_EQ(v.consecutive_failures, 4);
  v = judge_domain(domain(DomainStatus::ok, 2), refused, 3);
  EXPECT_EQ(v.status, DomainStatus::ok);
  EXPECT_EQ(v.consecutive_failures, 2);
}

TEST(BadDomain, AScanWhileTheResolverIsDownChangesNothing) {
  // Issue 16.4: a resolver that is down made every domain scanned meanwhile one step nearer
  // bad ("unreachable"), though it said nothing about them.
  auto down = unreachable();
  down.dns_unanswered = true;
  down.resolver_unreachable = true;
  const auto v = judge_domain(domain(DomainStatus::ok, 2), down, 3);
  EXPECT_EQ(v.status, DomainStatus::ok);
  EXPECT_FALSE(v.bad_reason);
  EXPECT_EQ(v.consecutive_failures, 2);
}

TEST(BadDomain, AScanTheScannerCouldNotMakeChangesNothing) {
  // Out of file descriptors, the worker's connections failed: not the domain's doing.
  auto starved = unreachable();
  starved.scanner_failure = true;
  const auto v = judge_domain(domain(DomainStatus::ok, 2), starved, 3);
  EXPECT_EQ(v.status, DomainStatus::ok);
  EXPECT_EQ(v.consecutive_failures, 2);
}

TEST(BadDomain, OneGoodScanClearsEverything) {
  auto bad = domain(DomainStatus::bad, 5);
  bad.bad_reason = "unreachable";
  const auto v = judge_domain(bad, reached(), 3);
  EXPECT_EQ(v.status, DomainStatus::ok);
  EXPECT_FALSE(v.bad_reason);
  EXPECT_EQ(v.consecutive_failures, 0);
}

}  // namespace
}  // namespace domainscan::worker
