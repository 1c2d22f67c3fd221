// Rate limits and the rescan cooldown over real HTTP: 429 with Retry-After and the
// RateLimit fields, a bucket per client, requests that queue scans limited apart, and a
// rescan right after a scan answered with that scan.
#include "auth/api_key.hpp"
#include "store/store.hpp"
#include "support/api_harness.hpp"
#include "support/http_client.hpp"
#include "support/store_helpers.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace domainscan::testing {
namespace {

using namespace std::chrono_literals;

TEST(ApiRateLimit, OverTheLimitIs429WithRetryAfterAndTheRateLimitFields) {
  // 1 a second, bursts of 5: the sixth request at once is refused.
  ApiHarness api(Backend::sqlite, {}, {}, HarnessRates{api::RateLimit{1, 5}, {}});
  for (int i = 0; i < 5; ++i) EXPECT_EQ(http_request(api.port(), "GET", "/api/v1/domains").status, 200) << i;
  const auto refused = http_request(api.port(), "GET", "/api/v1/domains");
  ASSERT_EQ(refused.status, 429) << refused.body;
  EXPECT_EQ(refused.json().at("error").at("code"), "rate_limited");
  EXPECT_NE(refused.body.find("1 a second (bursts of 5)"), std::string::npos) << refused.body;
  EXPECT_EQ(refused.headers.at("retry-after"), "1");
  EXPECT_EQ(refused.headers.at("ratelimit-policy"), R"("requests";q=5;w=5)");
  EXPECT_EQ(refused.headers.at("ratelimit").rfind(R"("requests";r=0;t=)", 0), 0u) << refused.headers.at("ratelimit");
  // Health probes are never limited.
  EXPECT_EQ(http_request(api.port(), "GET", "/healthz").status, 200);
  // After a second, one more.
  std::this_thread::sleep_for(1100ms);
  EXPECT_EQ(http_request(api.port(), "GET", "/api/v1/domains").status, 200);
}

TEST(ApiRateLimit, RequestsThatQueueScansHaveALimitOfTheirOwn) {
  ApiHarness api(Backend::sqlite, {}, {}, HarnessRates{api::RateLimit{100, 100}, api::RateLimit{1, 3}});
  for (int i = 0; i < 3; ++i) {
    const auto res = http_request(api.port(), "POST", "/api/v1/domains", fmt::format(R"({{"domain":"d{}.test"}})", i));
    EXPECT_EQ(res.status, 202) << res.body;
  }
  const auto refused = http_request(api.port(), "POST", "/api/v1/domains", R"({"domain":"d9.test"})");
  ASSERT_EQ(refused.status, 429) << refused.body;
  EXPECT_EQ(refused.headers.at("ratelimit-policy"), R"("scans";q=3;w=3)");
  EXPECT_FALSE(api.store().find_domain("d9.test"));  // nothing was stored
  // Reading goes on.
  EXPECT_EQ(http_request(api.port(), "GET", "/api/v1/domains").status, 200);
}

TEST(ApiRateLimit, EachKeyHasItsOwnBucket) {
  // With keys required, the client is the key (two keys from one address do not share).
  ApiHarness api(Backend::sqlite, {}, api::AuthPolicy{true, true}, HarnessRates{api::RateLimit{1, 2}, {}});
  std::vector<std::string> keys;
  for (const char* name : {"a", "b"}) {
    const auto key = auth::new_api_key();
    api.store().create_api_key(store::ApiKey{name, "read", auth::api_key_prefix(key), auth::api_key_hash(key), now_ms(), {}});
    keys.push_back(key);
  }
  const auto get = [&](const std::string& key) {
    return http_request(api.port(), "GET", "/api/v1/domains", "", "application/json", {{"authorization", "Bearer " + key}})
        .status;
  };
  EXPECT_EQ(get(keys[0]), 200);
  EXPECT_EQ(get(keys[0]), 200);
  EXPECT_EQ(get(keys[0]), 429);
  EXPECT_EQ(get(keys[1]), 200);
}

TEST(ApiRescanCooldown, ARescanRightAfterAScanAnswersWithThatScan) {
  ApiHarness api;
  api.context().rescan_cooldown = 60s;
  const auto scanned = scan_with_events(api.store(), "fresh.test", {});
  const auto res = http_request(api.port(), "POST", "/api/v1/domains/fresh.test/scans");
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(res.json().at("id"), scanned);
  EXPECT_EQ(res.json().at("status"), "completed");
  EXPECT_TRUE(res.headers.contains("retry-after"));
  EXPECT_EQ(api.store().list_scans("fresh.test", 10).size(), 1u);  // nothing queued
  // Without the cooldown, a rescan is queued.
  api.context().rescan_cooldown = 0s;
  EXPECT_EQ(http_request(api.port(), "POST", "/api/v1/domains/fresh.test/scans").status, 202);
}

}  // namespace
}  // namespace domainscan::testing
