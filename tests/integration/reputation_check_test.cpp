// The reputation check against the test bed's VirusTotal-shaped API (tests/testbed/web.sh,
// vt.web.test on 127.0.0.35): answers, the API key, 429 back-off, the daily budget, the
// per-minute rate, the per-domain cache and the target policy.
#include "scan/memory_reputation_ledger.hpp"
#include "scan/reputation.hpp"
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

const TargetPolicy& kTestBedAllowed = testing::test_bed_policy();

ReputationOptions test_api(int per_minute = 600, int per_day = 500, const char* key = "vt-test-key") {
  ReputationOptions o;
  if (key) o.api_key = key;
  o.base_url = "http://127.0.0.35/";
  o.per_minute = per_minute;
  o.per_day = per_day;
  return o;
}

// One check with its own ledger, as one worker's process would hold it.
class Reputation {
 public:
  explicit Reputation(ReputationOptions options) : check_(io_.get_executor(), std::move(options), ledger_) {}

  CheckResult run(const std::string& domain, const TargetPolicy& policy = kTestBedAllowed,
                  std::chrono::milliseconds timeout = 3s) {
    const ScanContext context{domain, {}, nullptr, &policy, nullptr, timeout};
    io_.restart();
    auto result = testing::run_to_completion(io_, check_.run(context), timeout * 3 + 10s);
    EXPECT_TRUE(result) << domain << ": the check did not finish";
    return result.value_or(CheckResult{});
  }

 private:
  asio::io_context io_;  // before the check: it must outlive what the check holds
  MemoryReputationLedger ledger_;
  ReputationCheck check_;
};

bool has(const CheckResult& r, const std::string& id) { return testing::has_finding(r.findings, id); }

TEST(ReputationCheck, WithoutAKeyItIsSkipped) {
  const auto r = Reputation(test_api(600, 500, nullptr)).run("valid.web.test");
  EXPECT_EQ(r.json.at("status"), "skipped");
  EXPECT_EQ(r.json.at("reason"), "no_api_key");
}

TEST(ReputationCheck, ACleanDomain) {
  const auto r = Reputation(test_api()).run("valid.web.test");
  ASSERT_EQ(r.json.at("status"), "ok") << json::serialize(r.json);
  EXPECT_EQ(r.json.at("source"), "virustotal");
  EXPECT_EQ(r.json.at("known"), true);
  EXPECT_EQ(r.json.at("malicious"), 0);
  EXPECT_EQ(r.json.at("suspicious"), 0);
  EXPECT_EQ(r.json.at("harmless"), 70);
  EXPECT_EQ(r.json.at("reputation"), 5);
  EXPECT_EQ(r.json.at("categories"), (json::array{"computersandsoftware", "information technology"}));
  EXPECT_EQ(r.json.at("cached"), false);
  EXPECT_TRUE(r.findings.empty()) << json::serialize(r.findings);
  EXPECT_FALSE(r.network_failure);
}

TEST(ReputationCheck, AMaliciousDomainIsACriticalFinding) {
  const auto r = Reputation(test_api()).run("expired.web.test");
  ASSERT_EQ(r.json.at("status"), "ok") << json::serialize(r.json);
  EXPECT_EQ(r.json.at("malicious"), 5);
  EXPECT_TRUE(has(r, "reputation.malicious"));
  EXPECT_TRUE(has(r, "reputation.negative_community_score"));
  EXPECT_EQ(r.findings.at(0).at("severity"), "critical");
}

TEST(ReputationCheck, OneVendorsVerdictIsOnlySuspicious) {
  const auto r = Reputation(test_api()).run("plain.web.test");
  EXPECT_EQ(testing::finding_ids(r.findings), std::vector<std::string>{"reputation.suspicious"});
}

TEST(ReputationCheck, ADomainVirusTotalNeverSawIsAnAnswerToo) {
  const auto r = Reputation(test_api()).run("unheard-of.web.test");
  ASSERT_EQ(r.json.at("status"), "ok") << json::serialize(r.json);
  EXPECT_EQ(r.json.at("known"), false);
  EXPECT_TRUE(r.findings.empty());
}

TEST(ReputationCheck, TheKeyIsNotSentInClearBeyondThisMachine) {
  // An http:// URL to an address that is not loopback (a documentation address, allowed
  // as a target here so that only the new rule stands in the way): refused before any
  // connection is made.
  auto options = test_api();
  options.base_url = "http://192.0.2.35/";
  const TargetPolicy allowed({parse_cidr("192.0.2.0/24")});
  const auto r = Reputation(options).run("valid.web.test", allowed);
  EXPECT_EQ(r.json.at("status"), "error");
  EXPECT_NE(json::serialize(r.json).find("refusing to send the VirusTotal API key in clear to 192.0.2.35"),
            std::string::npos)
      << json::serialize(r.json);
}

TEST(ReputationCheck, AWrongKeyIsAnError) {
  const auto r = Reputation(test_api(600, 500, "not-the-key")).run("valid.web.test");
  ASSERT_EQ(r.json.at("status"), "error");
  EXPECT_NE(std::string(r.json.at("error").as_string()).find("refused the API key (HTTP 401)"), std::string::npos)
      << json::serialize(r.json);
}

TEST(ReputationCheck, Http429MakesItBackOffWithoutCallingAgain) {
  Reputation reputation(test_api());
  const auto limited = reputation.run("loop.web.test");  // the test API answers 429, Retry-After: 2
  ASSERT_EQ(limited.json.at("status"), "skipped") << json::serialize(limited.json);
  EXPECT_EQ(limited.json.at("reason"), "rate_limit");
  EXPECT_TRUE(limited.json.contains("retry_at"));
  // While the pause lasts no call is made, for any domain.
  const auto paused = reputation.run("valid.web.test");
  EXPECT_EQ(paused.json.at("status"), "skipped");
  EXPECT_EQ(paused.json.at("reason"), "rate_limit");
  EXPECT_NE(std::string(paused.json.at("detail").as_string()).find("pause"), std::string::npos);
}

TEST(ReputationCheck, WhenTheDailyBudgetIsSpentItSaysQuotaAndCachedAnswersStillServe) {
  Reputation reputation(test_api(600, 1));
  const auto first = reputation.run("valid.web.test");
  ASSERT_EQ(first.json.at("status"), "ok") << json::serialize(first.json);
  EXPECT_EQ(first.json.at("cached"), false);

  const auto again = reputation.run("valid.web.test");  // within 24 h: from the cache, no call
  ASSERT_EQ(again.json.at("status"), "ok") << json::serialize(again.json);
  EXPECT_EQ(again.json.at("cached"), true);
  EXPECT_EQ(again.json.at("harmless"), 70);
  EXPECT_EQ(again.json.at("fetched_at"), first.json.at("fetched_at"));

  const auto other = reputation.run("expired.web.test");  // needs a call: none left today
  ASSERT_EQ(other.json.at("status"), "skipped") << json::serialize(other.json);
  EXPECT_EQ(other.json.at("reason"), "quota");
  EXPECT_FALSE(other.network_failure);
}

TEST(ReputationCheck, AnExpiredCacheEntryIsFetchedAgain) {
  auto options = test_api();
  options.cache_for = 0ms;
  Reputation reputation(options);
  ASSERT_EQ(reputation.run("valid.web.test").json.at("cached"), false);
  EXPECT_EQ(reputation.run("valid.web.test").json.at("cached"), false);
}

TEST(ReputationCheck, ASlotFurtherAwayThanTheTimeoutIsNotWaitedFor) {
  Reputation reputation(test_api(1, 500));  // one call a minute
  ASSERT_EQ(reputation.run("valid.web.test", kTestBedAllowed, 1s).json.at("status"), "ok");
  const auto r = reputation.run("plain.web.test", kTestBedAllowed, 1s);
  ASSERT_EQ(r.json.at("status"), "skipped") << json::serialize(r.json);
  EXPECT_EQ(r.json.at("reason"), "rate_limit");
}

TEST(ReputationCheck, ANearSlotIsWaitedFor) {
  Reputation reputation(test_api(60, 500));  // a call a second
  ASSERT_EQ(reputation.run("valid.web.test").json.at("status"), "ok");
  const auto start = std::chrono::steady_clock::now();
  const auto r = reputation.run("plain.web.test");
  EXPECT_EQ(r.json.at("status"), "ok") << json::serialize(r.json);
  EXPECT_EQ(r.json.at("cached"), false);
  // The second call waited for its slot, a second after the first.
  EXPECT_GE(std::chrono::steady_clock::now() - start, 500ms);
}

TEST(ReputationCheck, TheApiAddressGoesThroughTheTargetPolicy) {
  const TargetPolicy strict;
  const auto r = Reputation(test_api()).run("valid.web.test", strict);
  ASSERT_EQ(r.json.at("status"), "skipped") << json::serialize(r.json);
  EXPECT_EQ(r.json.at("reason"), "target");
  EXPECT_NE(std::string(r.json.at("detail").as_string()).find("127.0.0.35"), std::string::npos)
      << json::serialize(r.json);
}

}  // namespace
}  // namespace domainscan::scan
