// The DNS check against the test bed (knot + unbound): CNAME chains (followed, dangling,
// looping) and the DNSSEC status of a signed zone that validates, one whose trust anchor
// does not match (bogus), an unsigned zone, and no validation at all.
#include "scan/dns.hpp"
#include "support/findings.hpp"
#include "support/run_to_completion.hpp"
#include "support/testbed.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>
#include <gtest/gtest.h>

namespace domainscan::scan {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using namespace std::chrono_literals;

CheckResult dns_check(const std::string& domain, std::optional<std::string> trust_anchor_file = std::nullopt,
                      const std::string& server = testing::test_dns_server(), std::chrono::milliseconds timeout = 3s) {
  asio::io_context io;
  UnboundResolver resolver(io.get_executor(),
                           ResolverConfig{{parse_host_port(server, 53)}, std::move(trust_anchor_file), {"test"}});
  auto result = testing::run_to_completion(io, run_dns_check(resolver, domain, timeout), 30s);
  EXPECT_TRUE(result) << domain << ": the check did not finish";
  return result.value_or(CheckResult{});
}

TEST(DnsCheck, FollowsACnameChainToItsAddresses) {
  const auto r = dns_check("alias.web.test");
  ASSERT_EQ(r.json.at("status"), "ok") << json::serialize(r.json);
  EXPECT_EQ(r.json.at("cname"), (json::array{"alias2.web.test", "valid.web.test"}));
  EXPECT_EQ(r.json.at("a"), json::array{"127.0.0.21"});
  EXPECT_TRUE(r.findings.empty()) << json::serialize(r.findings);
}

TEST(DnsCheck, ANameWithoutAliasHasAnEmptyChain) {
  const auto r = dns_check("valid.web.test");
  EXPECT_EQ(r.json.at("cname"), json::array{});
}

TEST(DnsCheck, ADanglingCnameIsAFindingNotAMissingDomain) {
  const auto r = dns_check("dangling.web.test");
  EXPECT_FALSE(r.nxdomain);
  ASSERT_EQ(r.json.at("status"), "ok") << json::serialize(r.json);
  EXPECT_EQ(r.json.at("cname"), json::array{"gone.web.test"});
  EXPECT_EQ(testing::finding_ids(r.findings), std::vector<std::string>{"dns.cname_dangling"});
}

TEST(DnsCheck, ACnameLoopIsAFinding) {
  const auto r = dns_check("loopa.web.test");
  ASSERT_EQ(r.json.at("status"), "ok") << json::serialize(r.json);
  EXPECT_EQ(r.json.at("cname"), json::array{"loopb.web.test"});
  EXPECT_EQ(testing::finding_ids(r.findings), std::vector<std::string>{"dns.cname_loop"});
  EXPECT_FALSE(r.network_failure);
}

TEST(DnsCheck, ASignedZoneWithItsTrustAnchorIsSecure) {
  const auto r = dns_check("signed.test", testing::test_trust_anchor_file());
  ASSERT_EQ(r.json.at("status"), "ok") << json::serialize(r.json);
  EXPECT_EQ(r.json.at("dnssec"), "secure") << json::serialize(r.json);
  EXPECT_EQ(r.json.at("a"), json::array{"127.0.0.40"});
  EXPECT_TRUE(r.findings.empty()) << json::serialize(r.findings);
}

TEST(DnsCheck, SignaturesThatDoNotMatchTheAnchorAreBogus) {
  const auto r = dns_check("bogus.test", testing::test_trust_anchor_file());
  ASSERT_EQ(r.json.at("status"), "ok") << json::serialize(r.json);
  EXPECT_EQ(r.json.at("dnssec"), "bogus");
  // The records are still shown (with the reason in "errors"): what the zone serves matters
  // to whoever repairs it.
  EXPECT_EQ(r.json.at("a"), json::array{"127.0.0.41"});
  EXPECT_TRUE(r.json.at("errors").as_object().contains("a"));
  EXPECT_EQ(testing::finding_ids(r.findings), std::vector<std::string>{"dns.dnssec_bogus"});
  EXPECT_FALSE(r.network_failure);
  EXPECT_FALSE(r.nxdomain);
}

TEST(DnsCheck, AnUnsignedZoneUnderNoAnchorIsInsecure) {
  const auto r = dns_check("example.test", testing::test_trust_anchor_file());
  ASSERT_EQ(r.json.at("status"), "ok") << json::serialize(r.json);
  EXPECT_EQ(r.json.at("dnssec"), "insecure");
}

TEST(DnsCheck, WithoutTrustAnchorsTheStatusIsIndeterminate) {
  const auto r = dns_check("signed.test");
  ASSERT_EQ(r.json.at("status"), "ok") << json::serialize(r.json);
  EXPECT_EQ(r.json.at("dnssec"), "indeterminate");
}

// What kind of failure it was: "error_kind" tells NXDOMAIN, SERVFAIL, REFUSED and a timeout
// apart, each with its message.
TEST(DnsCheck, ANameThatDoesNotExistIsNxdomain) {
  const auto r = dns_check("missing.test");
  EXPECT_TRUE(r.nxdomain);
  EXPECT_EQ(r.json.at("status"), "error");
  EXPECT_EQ(r.json.at("error_kind"), "NXDOMAIN");
  EXPECT_FALSE(r.network_failure);
}

TEST(DnsCheck, ADeadDelegationIsATimeout) {
  // broken-ns.test's name server takes every query and answers none.
  const auto r = dns_check("broken-ns.test", std::nullopt, testing::test_dns_server(), 2s);
  EXPECT_EQ(r.json.at("status"), "error") << json::serialize(r.json);
  EXPECT_EQ(r.json.at("error_kind"), "timeout") << json::serialize(r.json);
  EXPECT_NE(json::serialize(r.json.at("error")).find("no answer within 2000 ms"), std::string::npos)
      << json::serialize(r.json);
  EXPECT_TRUE(r.network_failure);
  EXPECT_FALSE(r.nxdomain);
}

TEST(DnsCheck, AResolverThatFailsIsServfail) {
  // The test bed's resolver asks knot about names outside its zones; knot refuses, and the
  // resolver answers SERVFAIL: it could not resolve the name.
  const auto r = dns_check("example.org");
  EXPECT_EQ(r.json.at("status"), "error") << json::serialize(r.json);
  EXPECT_EQ(r.json.at("error_kind"), "SERVFAIL") << json::serialize(r.json);
  EXPECT_NE(json::serialize(r.json.at("error")).find("SERVFAIL"), std::string::npos);
  EXPECT_TRUE(r.network_failure);
}

TEST(DnsCheck, AResolverThatRefusesIsRefusedNotServfail) {
  // Pointed at knot itself: it refuses to recurse for example.org. libunbound reports that
  // as its own SERVFAIL; the check asks knot directly and says what it was.
  const auto r = dns_check("example.org", std::nullopt, testing::test_auth_dns_server());
  EXPECT_EQ(r.json.at("status"), "error") << json::serialize(r.json);
  EXPECT_EQ(r.json.at("error_kind"), "REFUSED") << json::serialize(r.json);
  const auto message = json::serialize(r.json.at("error"));
  EXPECT_NE(message.find(testing::test_auth_dns_server()), std::string::npos) << message;
  EXPECT_NE(message.find("refused"), std::string::npos) << message;
}

}  // namespace
}  // namespace domainscan::scan
