// Scanning safety: which addresses a check may connect to.
#include "scan/target_policy.hpp"

#include <gtest/gtest.h>

namespace domainscan::scan {
namespace {

using boost::asio::ip::make_address;

bool refused(const TargetPolicy& p, const char* address) { return p.refusal(make_address(address)).has_value(); }

TEST(TargetPolicy, RefusesEverySpecialPurposeRangeByDefault) {
  const TargetPolicy policy;
  for (const char* a : {"127.0.0.1", "127.255.255.254", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1",
                        "169.254.169.254", "100.64.0.1", "100.127.255.255", "0.0.0.0", "0.1.2.3", "224.0.0.1",
                        "239.255.255.250", "240.0.0.1", "255.255.255.255", "192.0.2.1", "198.51.100.7",
                        "203.0.113.9", "198.18.0.1", "192.0.0.8",
                        "::", "::1", "fe80::1", "fc00::1", "fd12:3456::1", "ff02::1", "2001:db8::1", "100::1",
                        // IPv4 inside IPv6: mapped, compatible, NAT64, 6to4
                        "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:169.254.169.254", "::127.0.0.1",
                        "64:ff9b::10.0.0.1", "2002:c0a8:0101::1", "::ffff:0:10.0.0.1", "::ffff:0:127.0.0.1",
                        // Local-use NAT64 (whatever it embeds), SRv6 segment identifiers
                        "64:ff9b:1::808:808", "64:ff9b:1:ffff::1", "5f00::1", "5f00:1234::5"}) {
    EXPECT_TRUE(refused(policy, a)) << a;
  }
}

TEST(TargetPolicy, AllowsPublicAddresses) {
  const TargetPolicy policy;
  for (const char* a : {"93.184.216.34", "1.1.1.1", "8.8.8.8", "172.32.0.1", "100.128.0.1", "192.169.0.1",
                        "2606:2800:220:1:248:1893:25c8:1946", "2a00:1450:4001:80b::200e", "::ffff:93.184.216.34",
                        "64:ff9b::808:808"}) {
    EXPECT_FALSE(refused(policy, a)) << a;
  }
}

TEST(TargetPolicy, TheReasonNamesTheRangeAndTheSetting) {
  const auto why = TargetPolicy().refusal(make_address("169.254.169.254"));
  ASSERT_TRUE(why);
  EXPECT_NE(why->find("link-local"), std::string::npos) << *why;
  EXPECT_NE(why->find("--allow-target"), std::string::npos) << *why;
  EXPECT_NE(TargetPolicy().refusal(make_address("::ffff:10.0.0.1"))->find("private"), std::string::npos);
}

TEST(TargetPolicy, AllowTargetOpensOnlyTheChosenRanges) {
  const TargetPolicy policy({parse_cidr("127.0.0.0/8"), parse_cidr("fd00:1::/64")});
  EXPECT_FALSE(refused(policy, "127.0.0.20"));
  EXPECT_FALSE(refused(policy, "::ffff:127.0.0.20"));  // the same host, written as IPv6
  EXPECT_FALSE(refused(policy, "fd00:1::5"));
  EXPECT_TRUE(refused(policy, "fd00:2::5"));
  EXPECT_TRUE(refused(policy, "10.0.0.1"));
  EXPECT_TRUE(refused(policy, "::1"));  // IPv6 loopback is a range of its own
}

}  // namespace
}  // namespace domainscan::scan
