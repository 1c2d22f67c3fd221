// The whole scan engine against the test bed (DNS zones, nginx): the checks together, as
// the worker runs them.
#include "scan/engine.hpp"
#include "support/findings.hpp"
#include "support/run_to_completion.hpp"
#include "support/testbed.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <cstdlib>

namespace domainscan::scan {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using namespace std::chrono_literals;

ScanReport scan(const std::string& domain, std::optional<std::string> rdap_url = "http://rdap.web.test/",
               std::optional<std::string> virustotal_key = std::nullopt,
               const std::string& dns_server = testing::test_dns_server(),
               std::vector<std::string> checks = {"dns", "email", "tls", "http", "rdap", "reputation"}) {
  Settings settings = testing::test_bed_scan_settings(std::move(checks), 3s, dns_server);
  settings.virustotal_key = std::move(virustotal_key);
  settings.virustotal_url = "http://vt.web.test";
  settings.rdap_url = std::move(rdap_url);
  asio::io_context io;
  ScanEngine engine(io.get_executor(), settings);
  auto report = testing::run_to_completion(io, engine.scan(domain), 60s);
  EXPECT_TRUE(report) << domain;
  return report.value_or(ScanReport{});
}

std::vector<std::string> ids(const ScanReport& r) { return testing::finding_ids(r.findings); }
bool has(const ScanReport& r, const std::string& id) { return testing::has_finding(r.findings, id); }

TEST(ScanEngine, EmailDoneRight) {
  const auto r = scan("good.mail.test");
  const auto& email = r.checks.at("email").as_object();
  ASSERT_EQ(email.at("status"), "ok") << json::serialize(email);
  EXPECT_EQ(email.at("spf").at("all"), "-all");
  EXPECT_EQ(email.at("spf").at("lookups"), 1);
  EXPECT_EQ(email.at("dmarc").at("policy"), "reject");
  EXPECT_EQ(email.at("dmarc").at("subdomain_policy"), "quarantine");
  EXPECT_EQ(email.at("dmarc").at("rua"), "mailto:dmarc@good.mail.test");
  EXPECT_EQ(email.at("mta_sts").at("id"), "20261124T000000");
  EXPECT_EQ(email.at("mta_sts").at("policy").at("mode"), "enforce") << json::serialize(email.at("mta_sts"));
  EXPECT_EQ(email.at("mta_sts").at("policy").at("max_age"), 86400);
  EXPECT_EQ(email.at("tls_rpt").at("rua"), "mailto:tls@good.mail.test");
  EXPECT_EQ(email.at("null_mx"), false);
  for (const auto& id : ids(r)) EXPECT_NE(id.rfind("email.", 0), 0u) << id;  // no e-mail findings
}

TEST(ScanEngine, SpfPlusAllAndNoDmarc) {
  const auto r = scan("passall.mail.test");
  EXPECT_TRUE(has(r, "email.spf_pass_all"));
  EXPECT_TRUE(has(r, "email.dmarc_missing"));
}

TEST(ScanEngine, TwoSpfRecordsAndDmarcNone) {
  const auto r = scan("twospf.mail.test");
  EXPECT_TRUE(has(r, "email.spf_multiple"));
  EXPECT_TRUE(has(r, "email.dmarc_policy_none"));
}

TEST(ScanEngine, SpfOverTheLookupLimit) {
  const auto r = scan("deep.mail.test");
  EXPECT_TRUE(has(r, "email.spf_too_many_lookups")) << json::serialize(r.checks.at("email"));
  EXPECT_GT(r.checks.at("email").at("spf").at("lookups").as_int64(), 10);
}

TEST(ScanEngine, NullMxAndABrokenMtaStsPolicy) {
  EXPECT_EQ(scan("nullmx.mail.test").checks.at("email").at("null_mx"), true);
  const auto bad = scan("badsts.mail.test");
  EXPECT_TRUE(has(bad, "email.mta_sts_policy_error"));
  EXPECT_FALSE(bad.checks.at("email").at("mta_sts").at("error").is_null());
}

TEST(ScanEngine, EveryCheckOfAWebSite) {
  const auto r = scan("valid.web.test");
  for (const char* check : {"dns", "tls", "http", "email"}) {
    EXPECT_EQ(r.checks.at(check).at("status"), "ok") << check << ": " << json::serialize(r.checks.at(check));
  }
  EXPECT_FALSE(r.nxdomain);
  EXPECT_FALSE(r.every_check_unreachable);
}

TEST(ScanEngine, ASubsetOfChecksRunsThoseAndSaysSoOfTheOthers) {
  const auto r = scan("valid.web.test", "http://rdap.web.test/", std::nullopt, testing::test_dns_server(), {"tls", "http"});
  EXPECT_EQ(r.checks.at("tls").at("status"), "ok") << json::serialize(r.checks.at("tls"));
  EXPECT_EQ(r.checks.at("http").at("status"), "ok") << json::serialize(r.checks.at("http"));
  for (const char* check : {"dns", "email", "rdap", "reputation"}) {
    EXPECT_EQ(r.checks.at(check).at("status"), "skipped") << check;
    EXPECT_EQ(r.checks.at(check).at("reason"), "not selected (--checks)") << check;
  }
  EXPECT_FALSE(r.grade);
  EXPECT_EQ(r.grade_reason, "only some checks ran (--checks tls,http): a grade needs them all");
  for (const auto& id : ids(r)) {
    EXPECT_TRUE(id.rfind("tls.", 0) == 0 || id.rfind("http.", 0) == 0) << id << " from a check that did not run";
  }

  // The e-mail check needs the DNS check's records: asked for alone, the DNS check runs too.
  const auto mail = scan("good.mail.test", std::nullopt, std::nullopt, testing::test_dns_server(), {"email"});
  EXPECT_EQ(mail.checks.at("email").at("status"), "ok") << json::serialize(mail.checks.at("email"));
  EXPECT_EQ(mail.checks.at("dns").at("status"), "ok");
  EXPECT_TRUE(mail.checks.at("dns").as_object().contains("mx"));

  // A domain that does not exist is told as such whatever was chosen (bad-domain detection
  // needs it).
  const auto missing = scan("missing.test", std::nullopt, std::nullopt, testing::test_dns_server(), {"tls"});
  EXPECT_TRUE(missing.nxdomain);
  EXPECT_EQ(missing.checks.at("dns").at("error_kind"), "NXDOMAIN");
  EXPECT_EQ(missing.grade_reason, "the domain does not exist (NXDOMAIN)");

  // An alias whose target does not exist does exist itself: its address lookups answer
  // NXDOMAIN (for the target), with the CNAME record.
  const auto dangling = scan("dangling.web.test", std::nullopt, std::nullopt, testing::test_dns_server(), {"tls"});
  EXPECT_FALSE(dangling.nxdomain) << json::serialize(dangling.checks);
  EXPECT_NE(dangling.grade_reason, "the domain does not exist (NXDOMAIN)");
}

TEST(ScanEngine, RdapRegistrationData) {
  const auto r = scan("valid.web.test");
  const auto& rdap = r.checks.at("rdap").as_object();
  ASSERT_EQ(rdap.at("status"), "ok") << json::serialize(rdap);
  EXPECT_EQ(rdap.at("registered"), true);
  EXPECT_EQ(rdap.at("registrar"), "Test Registrar Inc.");
  EXPECT_EQ(rdap.at("created"), "2020-01-01T00:00:00Z");
  EXPECT_EQ(rdap.at("statuses"), json::array{"client transfer prohibited"});
  EXPECT_EQ(rdap.at("nameservers"), json::array{"ns1.test"});
  EXPECT_FALSE(has(r, "rdap.expiring"));
  EXPECT_TRUE(has(scan("soon.web.test"), "rdap.expiring"));
  const auto expired = scan("expired.web.test");
  EXPECT_TRUE(has(expired, "rdap.expired"));
  EXPECT_TRUE(has(expired, "rdap.on_hold"));
  // A name the registry does not know answers 404.
  EXPECT_EQ(scan("selfsigned.web.test").checks.at("rdap").at("registered"), false);
}

// The answer says whether a domain is registered: it must come from the server asked (its
// certificate verifies), or from where that server sends the client (RFC 7480 5.2).
TEST(ScanEngine, RdapOverVerifiedHttpsAndThroughRedirects) {
  const auto rdap = [](const std::string& server) {
    return scan("valid.web.test", server, std::nullopt, testing::test_dns_server(), {"rdap"}).checks.at("rdap").as_object();
  };
  const auto https = rdap("https://rdap.web.test/");
  ASSERT_EQ(https.at("status"), "ok") << json::serialize(https);
  EXPECT_EQ(https.at("registrar"), "Test Registrar Inc.");
  EXPECT_EQ(https.at("url"), "https://rdap.web.test/domain/valid.web.test");

  const auto moved = rdap("http://rdap.web.test/moved/");
  ASSERT_EQ(moved.at("status"), "ok") << json::serialize(moved);
  EXPECT_EQ(moved.at("registered"), true);
  EXPECT_EQ(moved.at("server"), "http://rdap.web.test/moved/");
  EXPECT_EQ(moved.at("url"), "https://rdap.web.test/domain/valid.web.test");

  const auto loop = rdap("http://rdap.web.test/loop/");
  EXPECT_EQ(loop.at("status"), "error");
  EXPECT_NE(loop.at("error").as_string().find("redirects"), std::string::npos) << json::serialize(loop);

  for (const char* forged : {"https://selfsigned.web.test/", "https://wronghost.web.test/"}) {
    const auto r = rdap(forged);
    EXPECT_EQ(r.at("status"), "error") << forged;
    EXPECT_NE(json::serialize(r).find("certificate does not verify"), std::string::npos) << json::serialize(r);
  }
}

TEST(ScanEngine, RdapServerFromTheBootstrapDataOrNone) {
  // No --rdap-url, and .test is in no bootstrap entry: nothing to ask.
  EXPECT_EQ(scan("valid.web.test", std::nullopt).checks.at("rdap").at("status"), "skipped");
  // An RDAP server at a private address is not asked.
  const auto r = scan("valid.web.test", "http://10.0.0.1/rdap/");
  EXPECT_EQ(r.checks.at("rdap").at("status"), "skipped");
  EXPECT_NE(json::serialize(r.checks.at("rdap")).find("--allow-target"), std::string::npos);
}

TEST(ScanEngine, ReputationFromTheVirusTotalApi) {
  // Without a key the check is skipped; with one, vt.web.test (found through the test
  // bed's DNS, allowed by --allow-target) answers.
  const auto without = scan("valid.web.test");
  EXPECT_EQ(without.checks.at("reputation").at("reason"), "no_api_key");
  const auto clean = scan("valid.web.test", "http://rdap.web.test/", "vt-test-key");
  ASSERT_EQ(clean.checks.at("reputation").at("status"), "ok") << json::serialize(clean.checks);
  EXPECT_EQ(clean.checks.at("reputation").at("harmless"), 70);
  EXPECT_EQ(clean.score, without.score);  // a clean reputation costs nothing

  const auto flagged = scan("expired.web.test", "http://rdap.web.test/", "vt-test-key");
  EXPECT_TRUE(has(flagged, "reputation.malicious")) << json::serialize(flagged.findings);
  EXPECT_EQ(flagged.grade, "F");
}

TEST(ScanEngine, AMissingDomainAsksOnlyItsRegistry) {
  const auto r = scan("missing.test", "http://rdap.web.test/", "vt-test-key");
  EXPECT_TRUE(r.nxdomain);
  EXPECT_EQ(r.checks.at("tls").at("status"), "skipped");
  EXPECT_EQ(r.checks.at("email").at("status"), "skipped");
  EXPECT_EQ(r.checks.at("reputation").at("status"), "skipped");  // no VirusTotal call spent on it
  // The registry is asked: it does not know the name, so it was never registered (or lapsed).
  EXPECT_EQ(r.checks.at("rdap").at("registered"), false) << json::serialize(r.checks.at("rdap"));
  EXPECT_TRUE(r.not_registered);
  EXPECT_FALSE(r.grade);
  EXPECT_EQ(r.grade_reason, "the domain does not exist (NXDOMAIN)");
}

TEST(ScanEngine, ADomainWithDeadNameServersGetsNoGradeAndCountsAsUnreachable) {
  // Issue 11's reproduction: broken-ns.test's DNS never answers, while its registry and
  // VirusTotal both do. It was graded A+ (score 100) and never became bad.
  const auto r = scan("broken-ns.test", "http://rdap.web.test/", "vt-test-key");
  EXPECT_EQ(r.checks.at("dns").at("status"), "error");
  EXPECT_EQ(r.checks.at("rdap").at("status"), "ok") << json::serialize(r.checks.at("rdap"));
  EXPECT_EQ(r.checks.at("rdap").at("registered"), true);
  EXPECT_EQ(r.checks.at("reputation").at("status"), "ok") << json::serialize(r.checks.at("reputation"));
  EXPECT_FALSE(r.grade);
  EXPECT_FALSE(r.score);
  ASSERT_TRUE(r.grade_reason);
  EXPECT_EQ(r.grade_reason->rfind("the domain's DNS did not answer", 0), 0u) << *r.grade_reason;
  EXPECT_TRUE(r.dns_unanswered);
  EXPECT_TRUE(r.every_check_unreachable);  // the registry and VirusTotal are not its servers
  EXPECT_FALSE(r.not_registered);
}

TEST(ScanEngine, TheDnsPhaseEndsWithinItsDeadlineHoweverLongTheChain) {
  // Through a resolver that answers every question after 200 ms, each lookup is within its
  // timeout, but two waves and seven hops one after another are not within four of them.
  asio::io_context io;
  ScanEngine engine(io.get_executor(), testing::dns_only_settings(350ms, testing::test_slow_dns_server()));
  const auto r = testing::run_to_completion(io, engine.scan("long1.web.test"), 60s);
  ASSERT_TRUE(r);
  const auto& dns = r->checks.at("dns");
  EXPECT_EQ(dns.at("status"), "error") << json::serialize(dns);
  EXPECT_EQ(dns.at("error_kind"), "timeout");
  // Cut at its deadline: without it, the chain is followed to its end (about 1.8 s) and the
  // check succeeds.
  EXPECT_NE(json::serialize(dns).find("did not finish within 1400 ms"), std::string::npos) << json::serialize(dns);
}

TEST(ScanEngine, AResolverThatIsDownSaysNothingAboutTheDomain) {
  // The worker's resolver takes every question and answers none (down, or firewalled off):
  // the lookups time out as they would for a domain with dead name servers, but the
  // resolver does not answer for localhost either, so the scan is the scanner's failure.
  testing::SilentDnsServer silent;
  const auto r = scan("valid.web.test", std::nullopt, std::nullopt, silent.address(), {"dns"});
  EXPECT_EQ(r.checks.at("dns").at("error_kind"), "resolver_unreachable") << json::serialize(r.checks.at("dns"));
  EXPECT_NE(json::serialize(r.checks.at("dns")).find("does not answer"), std::string::npos);
  EXPECT_TRUE(r.resolver_unreachable);
  EXPECT_FALSE(r.resolver_refused);
  ASSERT_TRUE(r.grade_reason);
  EXPECT_NE(r.grade_reason->find("scanner's DNS resolver does not answer"), std::string::npos) << *r.grade_reason;
}

TEST(ScanEngine, DeadNameServersBehindAWorkingResolverAreTheDomainsFailure) {
  // A timeout, or SERVFAIL once the resolver has learnt that the servers are dead (an earlier
  // test asked it): either way the domain's, not the scanner's.
  const auto r = scan("broken-ns.test", std::nullopt, std::nullopt, testing::test_dns_server(), {"dns"});
  const auto kind = std::string(r.checks.at("dns").at("error_kind").as_string());
  EXPECT_TRUE(kind == "timeout" || kind == "SERVFAIL") << json::serialize(r.checks.at("dns"));
  EXPECT_FALSE(r.resolver_unreachable);
  EXPECT_FALSE(r.resolver_refused);
  EXPECT_TRUE(r.dns_unanswered);
}

TEST(ScanEngine, AResolverThatRefusesTheScannerSaysNothingAboutTheDomain) {
  // Pointed at knot, which answers for its own zones only: example.org is refused.
  const auto r = scan("example.org", std::nullopt, std::nullopt, testing::test_auth_dns_server());
  EXPECT_EQ(r.checks.at("dns").at("error_kind"), "REFUSED") << json::serialize(r.checks.at("dns"));
  EXPECT_TRUE(r.resolver_refused);
  EXPECT_FALSE(r.grade);
  ASSERT_TRUE(r.grade_reason);
  EXPECT_NE(r.grade_reason->find("scanner's DNS resolver refused"), std::string::npos) << *r.grade_reason;
}

TEST(ScanEngine, ADomainWithoutAWebServerGetsNoGrade) {
  // good.mail.test has mail records only: nothing to connect TLS or HTTP to.
  const auto r = scan("good.mail.test");
  EXPECT_EQ(r.checks.at("dns").at("status"), "ok");
  EXPECT_EQ(r.checks.at("tls").at("status"), "skipped");
  EXPECT_FALSE(r.grade);
  EXPECT_EQ(r.grade_reason, "neither TLS nor HTTP could be checked: the domain has no address");
  EXPECT_FALSE(r.every_check_unreachable);  // its DNS answered
}

TEST(ScanEngine, AnMtaStsPolicyHostMustHaveAValidCertificate) {
  const auto good = scan("good.mail.test");
  EXPECT_EQ(good.checks.at("email").at("mta_sts").at("certificate_valid"), true);
  // mta-sts.badcert.mail.test answers with a certificate for another name (RFC 8461 3.3).
  const auto bad = scan("badcert.mail.test");
  const auto& sts = bad.checks.at("email").at("mta_sts").as_object();
  EXPECT_EQ(sts.at("certificate_valid"), false) << json::serialize(sts);
  EXPECT_TRUE(sts.at("policy").is_null());
  EXPECT_NE(json::serialize(sts.at("error")).find("hostname mismatch"), std::string::npos) << json::serialize(sts);
  EXPECT_TRUE(has(bad, "email.mta_sts_certificate_invalid"));
  EXPECT_FALSE(has(bad, "email.mta_sts_policy_error"));
}

TEST(ScanEngine, AnUnreachableSiteCountsAsUnreachableOnlyIfNothingAnswered) {
  // silent.web.test: DNS answers, so the domain is not unreachable as a whole.
  const auto r = scan("silent.web.test");
  EXPECT_EQ(r.checks.at("tls").at("status"), "error");
  EXPECT_FALSE(r.every_check_unreachable);
}

}  // namespace
}  // namespace domainscan::scan
