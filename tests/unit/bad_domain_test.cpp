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

TEST(BadDomain, NxdomainIsBadAtOnce) {
  const auto v = judge_domain(domain(DomainStatus::ok, 0), true, false, 3);
  EXPECT_EQ(v.status, DomainStatus::bad);
  EXPECT_EQ(v.bad_reason, "nxdomain");
}

TEST(BadDomain, UnreachableBecomesBadAfterTheConfiguredNumberOfScans) {
  auto d = domain(DomainStatus::pending, 0);
  for (int scan = 1; scan < 3; ++scan) {
    const auto v = judge_domain(d, false, true, 3);
    EXPECT_EQ(v.status, DomainStatus::pending) << scan;
    EXPECT_EQ(v.consecutive_failures, scan);
    d.consecutive_failures = v.consecutive_failures;
  }
  const auto v = judge_domain(d, false, true, 3);
  EXPECT_EQ(v.status, DomainStatus::bad);
  EXPECT_EQ(v.bad_reason, "unreachable");
  EXPECT_EQ(judge_domain(domain(DomainStatus::ok, 0), false, true, 1).status, DomainStatus::bad);
}

TEST(BadDomain, OneGoodScanClearsEverything) {
  auto bad = domain(DomainStatus::bad, 5);
  bad.bad_reason = "unreachable";
  const auto v = judge_domain(bad, false, false, 3);
  EXPECT_EQ(v.status, DomainStatus::ok);
  EXPECT_FALSE(v.bad_reason);
  EXPECT_EQ(v.consecutive_failures, 0);
}

}  // namespace
}  // namespace domainscan::worker
