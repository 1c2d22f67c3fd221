// API keys over real HTTP: every route's decision (a table: a new route without one fails
// here), each scope against each route, and the 401 and 403 answers.
#include "auth/api_key.hpp"
#include "store/store.hpp"
#include "support/api_harness.hpp"
#include "support/http_client.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <map>
#include <set>

namespace domainscan::testing {
namespace {

using api::Access;
namespace http = boost::beast::http;

// Every route and what it asks of a client. A route added to the API must be added here:
// the decision is made on purpose, not by default.
const std::map<std::pair<std::string, std::string>, Access> kDecisions = {
    {{"GET", "/healthz"}, Access::open},
    {{"GET", "/readyz"}, Access::open},
    {{"GET", "/"}, Access::open},
    {{"GET", "/web/{file}"}, Access::open},
    {{"GET", "/metrics"}, Access::metrics},
    {{"GET", "/api/v1/openapi.json"}, Access::open},
    {{"GET", "/api/v1/domains"}, Access::read},
    {{"POST", "/api/v1/domains"}, Access::write},
    {{"POST", "/api/v1/domains/bulk"}, Access::write},
    {{"GET", "/api/v1/domains/{domain}"}, Access::read},
    {{"DELETE", "/api/v1/domains/{domain}"}, Access::write},
    {{"GET", "/api/v1/domains/{domain}/scans"}, Access::read},
    {{"POST", "/api/v1/domains/{domain}/scans"}, Access::write},
    {{"PUT", "/api/v1/domains/{domain}/schedule"}, Access::write},
    {{"DELETE", "/api/v1/domains/{domain}/schedule"}, Access::write},
    {{"GET", "/api/v1/domains/{domain}/events"}, Access::read},
    {{"GET", "/api/v1/events"}, Access::read},
    {{"GET", "/api/v1/scans/{id}"}, Access::read},
    {{"GET", "/api/v1/scans/{id}/diff"}, Access::read},
    {{"GET", "/domain"}, Access::write},
    {{"POST", "/domain"}, Access::write},
    {{"POST", "/api/v1/webhooks"}, Access::admin},
    {{"GET", "/api/v1/webhooks"}, Access::admin},
    {{"GET", "/api/v1/webhooks/{id}"}, Access::admin},
    {{"DELETE", "/api/v1/webhooks/{id}"}, Access::admin},
    {{"GET", "/api/v1/webhooks/{id}/deliveries"}, Access::admin},
};

// A concrete path for a pattern.
std::string path_of(std::string pattern) {
  for (const auto& [from, to] : {std::pair{"{domain}", "example.test"}, std::pair{"{id}", "1"},
                                 std::pair{"{file}", "app.js"}}) {
    if (auto at = pattern.find(from); at != std::string::npos) pattern.replace(at, std::string(from).size(), to);
  }
  return pattern;
}

class ApiAuth : public ::testing::Test {
 protected:
  ApiAuth() : api(Backend::sqlite, {}, api::AuthPolicy{true, true}) {
    for (const auto scope : {auth::Scope::read, auth::Scope::write, auth::Scope::admin}) {
      const auto key = auth::new_api_key();
      const auto name = std::string(auth::to_string(scope));
      EXPECT_TRUE(api.store().create_api_key(store::ApiKey{name, name, auth::api_key_prefix(key),
                                                           auth::api_key_hash(key), now_ms(), std::nullopt}));
      keys[scope] = key;
    }
  }
  HttpResponse call(const std::string& method, const std::string& target, const std::string& key,
                    const std::string& body = "") {
    std::map<std::string, std::string> headers;
    if (!key.empty()) headers["authorization"] = "Bearer " + key;
    return http_request(api.port(), method, target, body, "application/json", headers);
  }
  ApiHarness api;
  std::map<auth::Scope, std::string> keys;
};

TEST_F(ApiAuth, EveryRouteHasADecisionAndTheTableHasNoOther) {
  std::set<std::pair<std::string, std::string>> served;
  for (const auto& r : api.router().routes()) {
    const std::pair<std::string, std::string> id{std::string(http::to_string(r.method)), r.pattern};
    served.insert(id);
    const auto it = kDecisions.find(id);
    ASSERT_NE(it, kDecisions.end()) << id.first << " " << id.second << " has no decision in this table";
    EXPECT_EQ(r.access, it->second) << id.first << " " << id.second << " is " << api::to_string(r.access);
  }
  for (const auto& [id, access] : kDecisions) EXPECT_TRUE(served.contains(id)) << id.first << " " << id.second;
}

TEST_F(ApiAuth, EachScopeAgainstEachRoute) {
  for (const auto& r : api.router().routes()) {
    const std::string method(http::to_string(r.method));
    const auto target = path_of(r.pattern);
    const auto body = method == "GET" || method == "DELETE" ? std::string() : std::string("{}");
    const auto what = method + " " + target;
    const auto anonymous = call(method, target, "", body);
    if (r.access == Access::open) {
      EXPECT_NE(anonymous.status, 401) << what;
      EXPECT_NE(anonymous.status, 403) << what;
      continue;
    }
    EXPECT_EQ(anonymous.status, 401) << what;
    for (const auto& [scope, key] : keys) {
      const auto res = call(method, target, key, body);
      const int needed = r.access == Access::admin ? 3 : r.access == Access::write ? 2 : 1;
      if (static_cast<int>(scope) >= needed) {
        EXPECT_NE(res.status, 401) << what << " with a " << auth::to_string(scope) << " key: " << res.body;
        EXPECT_NE(res.status, 403) << what << " with a " << auth::to_string(scope) << " key: " << res.body;
      } else {
        EXPECT_EQ(res.status, 403) << what << " with a " << auth::to_string(scope) << " key: " << res.body;
      }
    }
  }
}

TEST_F(ApiAuth, UnauthorizedAndForbiddenSayWhyInTheUsualBody) {
  const auto none = call("GET", "/api/v1/domains", "");
  EXPECT_EQ(none.status, 401);
  EXPECT_EQ(none.headers.at("www-authenticate"), R"(Bearer realm="domainscan")");
  EXPECT_EQ(none.json().at("error").at("code"), "unauthorized");
  EXPECT_NE(none.body.find("domainscan keys create"), std::string::npos);

  const auto wrong = call("GET", "/api/v1/domains", "ds_" + std::string(43, 'A'));
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(wrong.headers.at("www-authenticate"), R"(Bearer realm="domainscan", error="invalid_token")");
  const auto not_bearer = http_request(api.port(), "GET", "/api/v1/domains", "", "application/json",
                                       {{"authorization", "Basic " + keys[auth::Scope::admin]}});
  EXPECT_EQ(not_bearer.status, 401);

  const auto forbidden = call("POST", "/api/v1/domains", keys[auth::Scope::read], R"({"domain":"a.test"})");
  EXPECT_EQ(forbidden.status, 403);
  EXPECT_EQ(forbidden.json().at("error").at("code"), "forbidden");
  EXPECT_NE(forbidden.body.find("read scope"), std::string::npos) << forbidden.body;
  EXPECT_NE(forbidden.body.find("needs write"), std::string::npos) << forbidden.body;
  EXPECT_FALSE(api.store().find_domain("a.test"));  // nothing was done

  // The scheme is case-insensitive; the key works.
  const auto ok = http_request(api.port(), "POST", "/api/v1/domains", R"({"domain":"a.test"})", "application/json",
                               {{"authorization", "bearer " + keys[auth::Scope::write]}});
  EXPECT_EQ(ok.status, 202) << ok.body;
}

TEST_F(ApiAuth, ARevokedKeyStopsWorkingAndUseIsRecorded) {
  const auto key = keys[auth::Scope::read];
  EXPECT_EQ(call("GET", "/api/v1/domains", key).status, 200);
  const auto listed = api.store().list_api_keys();
  const auto it = std::find_if(listed.begin(), listed.end(), [](const auto& k) { return k.name == "read"; });
  ASSERT_NE(it, listed.end());
  EXPECT_TRUE(it->last_used_at);
  EXPECT_EQ(it->hash, auth::api_key_hash(key));  // the hash, never the key
  ASSERT_TRUE(api.store().revoke_api_key("read"));
  // Within the cache's few seconds, then refused.
  const auto deadline = std::chrono::steady_clock::now() + api::Authenticator::kCacheFor + std::chrono::seconds(2);
  int status = 200;
  while (status == 200 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    status = call("GET", "/api/v1/domains", key).status;
  }
  EXPECT_EQ(status, 401);
}

TEST(ApiKeys, KeysAreDsAnd32RandomBytesStoredAsSha256) {
  const auto a = auth::new_api_key();
  const auto b = auth::new_api_key();
  EXPECT_NE(a, b);
  EXPECT_EQ(a.rfind("ds_", 0), 0u);
  EXPECT_EQ(a.size(), 3u + 43u);  // base64url of 32 bytes, no padding
  EXPECT_EQ(a.find_first_not_of("ds_ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-"), std::string::npos);
  EXPECT_EQ(auth::api_key_hash("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(auth::api_key_prefix(a), a.substr(0, 9));
  EXPECT_TRUE(auth::same_hash(auth::api_key_hash(a), auth::api_key_hash(a)));
  EXPECT_FALSE(auth::same_hash(auth::api_key_hash(a), auth::api_key_hash(b)));
}

}  // namespace
}  // namespace domainscan::testing
