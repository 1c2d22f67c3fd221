// The webhook routes over real HTTP: subscriptions created (the secret shown once),
// listed, shown, deleted; bad subscriptions refused; deliveries listed.
#include "store/store.hpp"
#include "support/api_harness.hpp"
#include "support/http_client.hpp"
#include "support/store_helpers.hpp"

#include <gtest/gtest.h>

namespace domainscan::testing {
namespace {

namespace json = boost::json;

class ApiWebhooks : public ::testing::Test {
 protected:
  HttpResponse post(const std::string& body) { return http_request(api.port(), "POST", "/api/v1/webhooks", body); }
  HttpResponse get(const std::string& target) { return http_request(api.port(), "GET", target); }
  ApiHarness api;
};

TEST_F(ApiWebhooks, CreatedWithASecretShownOnlyThen) {
  const auto res = post(R"({"url": "https://hooks.example.net/in", "events": ["domain.changed", "domain.bad"],
                            "domains": ["Example.COM"]})");
  ASSERT_EQ(res.status, 201) << res.body;
  const auto created = res.json().as_object();
  const std::string id(created.at("id").as_string());
  EXPECT_TRUE(id.starts_with("wh_"));
  EXPECT_EQ(res.headers.at("location"), "/api/v1/webhooks/" + id);
  EXPECT_EQ(created.at("url"), "https://hooks.example.net/in");
  EXPECT_EQ(created.at("events"), (json::array{"domain.bad", "domain.changed"}));
  EXPECT_EQ(created.at("domains"), (json::array{"example.com"}));
  EXPECT_TRUE(created.at("created_at").as_string().ends_with("Z"));
  const std::string secret(created.at("secret").as_string());
  EXPECT_TRUE(secret.starts_with("whsec_"));
  EXPECT_GE(secret.size(), 6u + 32u);  // base64 of 24+ bytes

  const auto shown = get("/api/v1/webhooks/" + id);
  ASSERT_EQ(shown.status, 200) << shown.body;
  EXPECT_FALSE(shown.json().as_object().contains("secret"));
  EXPECT_EQ(shown.json().at("url"), "https://hooks.example.net/in");
  EXPECT_TRUE(shown.json().at("disabled_at").is_null());
  const auto listed = get("/api/v1/webhooks");
  ASSERT_EQ(listed.status, 200);
  ASSERT_EQ(listed.json().at("items").as_array().size(), 1u);
  EXPECT_FALSE(listed.json().at("items").as_array()[0].as_object().contains("secret"));
  EXPECT_EQ(listed.body.find(secret), std::string::npos);
}

TEST_F(ApiWebhooks, BadSubscriptionsAreRefusedWithTheReason) {
  struct Case {
    const char* body;
    const char* says;
  };
  for (const auto& c : {Case{R"({"events": ["*"]})", "url"},
                        Case{R"({"url": "ftp://x.example/", "events": ["*"]})", "http"},
                        Case{R"({"url": "/relative", "events": ["*"]})", "http"},
                        Case{R"({"url": "https://x.example/", "events": []})", "events"},
                        Case{R"({"url": "https://x.example/", "events": ["domain.exploded"]})", "domain.changed"},
                        Case{R"({"url": "https://x.example/", "events": ["*"], "domains": ["not a name"]})", ""},
                        Case{R"({"url": "http://127.0.0.1:9/", "events": ["*"]})", "loopback"},
                        Case{R"({"url": "http://[::1]/", "events": ["*"]})", "loopback"},
                        Case{R"({"url": "http://10.1.2.3/", "events": ["*"]})", "private"}}) {
    const auto res = post(c.body);
    EXPECT_EQ(res.status, 400) << c.body << " -> " << res.body;
    EXPECT_NE(res.body.find(c.says), std::string::npos) << c.body << " -> " << res.body;
    EXPECT_TRUE(res.json().as_object().contains("error")) << res.body;
  }
  EXPECT_TRUE(api.store().list_webhooks().empty());
}

TEST_F(ApiWebhooks, DeletedAndThenUnknown) {
  const auto created = post(R"({"url": "https://hooks.example.net/in", "events": ["*"]})");
  ASSERT_EQ(created.status, 201);
  const std::string id(created.json().at("id").as_string());
  EXPECT_EQ(http_request(api.port(), "DELETE", "/api/v1/webhooks/" + id).status, 204);
  EXPECT_EQ(http_request(api.port(), "DELETE", "/api/v1/webhooks/" + id).status, 404);
  EXPECT_EQ(get("/api/v1/webhooks/" + id).status, 404);
  EXPECT_EQ(get("/api/v1/webhooks/wh_x").status, 404);
  EXPECT_EQ(get("/api/v1/webhooks/" + id + "/deliveries").status, 404);
}

TEST_F(ApiWebhooks, DeliveriesListTheirEventStatusAndNextAttempt) {
  const auto created = post(R"({"url": "https://hooks.example.net/in", "events": ["domain.bad"]})");
  ASSERT_EQ(created.status, 201);
  const std::string id(created.json().at("id").as_string());
  scan_with_events(api.store(), "gone.test", {store::NewEvent{"domain.bad", std::nullopt, "{}", std::nullopt}});
  scan_with_events(api.store(), "gone.test", {store::NewEvent{"domain.changed", std::nullopt, "{}", std::nullopt}});
  const auto res = get("/api/v1/webhooks/" + id + "/deliveries");
  ASSERT_EQ(res.status, 200) << res.body;
  const auto body = res.json();
  const auto& items = body.at("items").as_array();
  ASSERT_EQ(items.size(), 1u);  // only the type it wants
  const auto& d = items[0].as_object();
  EXPECT_EQ(d.at("event_type"), "domain.bad");
  EXPECT_TRUE(d.at("event_id").as_string().starts_with("evt_"));
  EXPECT_EQ(d.at("status"), "pending");
  EXPECT_EQ(d.at("attempts"), 0);
  EXPECT_TRUE(d.at("next_attempt_at").is_string());
  EXPECT_TRUE(d.at("last_status_code").is_null());
  EXPECT_TRUE(d.at("last_error").is_null());
  EXPECT_TRUE(body.at("next_cursor").is_null());
}

}  // namespace
}  // namespace domainscan::testing
