// Issue 11 as a user meets it, through `domainscan serve` against the test bed: a domain
// whose name servers never answer (broken-ns.test: the test bed's resolver hangs on every
// name under it) must neither break the scans of other domains nor get a grade, and it must
// become bad ("unreachable") although its registry and VirusTotal answer for it.
#include "support/serve_process.hpp"

#include <boost/json.hpp>
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <set>

namespace domainscan::testing {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

std::string check_status(const json::object& scan, const char* check) {
  return std::string(scan.at("checks").at(check).at("status").as_string());
}

// A healthy bench.test name scanned in full: every check of its own servers ran.
void expect_scanned_in_full(const json::object& scan) {
  const auto& name = scan.at("domain").as_string();
  ASSERT_EQ(scan.at("status"), "completed") << name;
  const auto& dns = scan.at("checks").at("dns").as_object();
  EXPECT_EQ(dns.at("status"), "ok") << name << ": " << json::serialize(dns);
  EXPECT_EQ(dns.at("a"), json::array{"127.0.0.37"}) << name;
  EXPECT_FALSE(dns.contains("errors")) << name << ": " << json::serialize(dns);
  for (const char* check : {"tls", "http", "email"}) {
    EXPECT_EQ(check_status(scan, check), "ok") << name << " " << check << ": "
                                               << json::serialize(scan.at("checks").at(check));
  }
  EXPECT_TRUE(scan.at("grade").is_string()) << name << ": " << json::serialize(scan.at("grade_reason"));
}

TEST(ScanTruth, ADeadDelegationScannedOverAndOverLeavesFiftyHealthyDomainsWhole) {
  Serve serve({"--check-timeout", "3s", "--bad-after", "3", "--rdap-url", "http://rdap.web.test/",
               "--virustotal-key", "vt-test-key", "--virustotal-url", "http://vt.web.test", "--virustotal-rate",
               "100000", "--virustotal-daily", "100000"});
  constexpr int kRounds = 4;
  constexpr int kHealthy = 50;
  for (int round = 1; round <= kRounds; ++round) {
    SCOPED_TRACE(fmt::format("round {}", round));
    // broken-ns.test again (and two more names under the dead delegation), then fifty
    // domains it has never seen, all at once.
    std::vector<std::int64_t> ids;
    const auto broken = serve.scan("broken-ns.test");
    ids.push_back(serve.scan(fmt::format("r{}-a.broken-ns.test", round)));
    ids.push_back(serve.scan(fmt::format("r{}-b.broken-ns.test", round)));
    std::vector<std::int64_t> healthy;
    for (int i = 0; i < kHealthy; ++i) healthy.push_back(serve.scan(fmt::format("r{}-h{}.bench.test", round, i)));
    ids.push_back(broken);
    ids.insert(ids.end(), healthy.begin(), healthy.end());
    auto scans = serve.wait_for(ids, 120s);

    for (const auto id : healthy) expect_scanned_in_full(scans.at(id));

    // broken-ns.test: its DNS never answered. No grade, however well its registry and
    // VirusTotal answered.
    const auto& b = scans.at(broken);
    EXPECT_EQ(check_status(b, "dns"), "error") << json::serialize(b.at("checks").at("dns"));
    EXPECT_EQ(check_status(b, "rdap"), "ok") << json::serialize(b.at("checks").at("rdap"));
    EXPECT_EQ(check_status(b, "reputation"), "ok") << json::serialize(b.at("checks").at("reputation"));
    EXPECT_TRUE(b.at("grade").is_null()) << json::serialize(b);
    EXPECT_TRUE(b.at("score").is_null());
    EXPECT_EQ(std::string(b.at("grade_reason").as_string()).rfind("the domain's DNS did not answer", 0), 0u)
        << json::serialize(b.at("grade_reason"));
    const auto kind = b.at("checks").at("dns").at("error_kind");
    EXPECT_TRUE(kind == "timeout" || kind == "SERVFAIL") << json::serialize(kind);

    // --bad-after 3: bad from the third scan on, for the right reason.
    const auto domain = serve.domain("broken-ns.test");
    if (round < 3) {
      EXPECT_EQ(domain.at("status"), "pending") << json::serialize(domain);
    } else {
      EXPECT_EQ(domain.at("status"), "bad") << json::serialize(domain);
      EXPECT_EQ(domain.at("bad_reason"), "unreachable");
    }
  }
}

TEST(ScanTruth, TwoThousandNamesAtConcurrency256ThroughOneWorker) {
  // One in a hundred under the dead delegation, the rest healthy: no name that exists gets
  // a DNS error.
  Serve serve({"--check-timeout", "5s", "--scan-concurrency", "256"});
  constexpr int kNames = 2000;
  std::vector<std::int64_t> healthy, dead;
  for (int i = 0; i < kNames; ++i) {
    if (i % 100 == 50) {
      dead.push_back(serve.scan(fmt::format("d{}.broken-ns.test", i)));
    } else {
      healthy.push_back(serve.scan(fmt::format("n{}.bench.test", i)));
    }
  }
  std::vector<std::int64_t> all = healthy;
  all.insert(all.end(), dead.begin(), dead.end());
  const auto scans = serve.wait_for(all, 280s);

  int dns_errors = 0;
  std::set<std::string> kinds;
  for (const auto id : healthy) {
    const auto& dns = scans.at(id).at("checks").at("dns").as_object();
    if (dns.at("status") != "ok" || dns.contains("errors") || dns.at("a") != json::array{"127.0.0.37"}) {
      if (++dns_errors <= 10) ADD_FAILURE() << scans.at(id).at("domain").as_string() << ": " << json::serialize(dns);
    }
  }
  EXPECT_EQ(dns_errors, 0) << "of " << healthy.size() << " healthy names";
  for (const auto id : dead) {
    const auto& dns = scans.at(id).at("checks").at("dns").as_object();
    EXPECT_EQ(dns.at("status"), "error") << json::serialize(dns);
    kinds.insert(std::string(dns.at("error_kind").as_string()));
  }
  EXPECT_EQ(dead.size(), 20u);
  for (const auto& kind : kinds) EXPECT_TRUE(kind == "timeout" || kind == "SERVFAIL") << kind;
}

}  // namespace
}  // namespace domainscan::testing
