// Issue 12's webhooks through `domainscan serve`, the test bed and a real receiver on
// loopback that checks every signature with Python's hmac: a change is delivered once,
// signed; a 500 is retried until a 200; a receiver that is down while the service restarts
// gets the event after the restart; a 410 disables the webhook.
#include "support/eventually.hpp"
#include "support/fake_virustotal.hpp"
#include "support/http_client.hpp"
#include "support/python_server.hpp"
#include "support/serve_process.hpp"
#include "support/testbed.hpp"
#include "support/webhook_receiver.hpp"

#include <boost/json.hpp>
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <set>
#include <thread>

namespace domainscan::testing {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

// Subscribes the receiver to `events`; returns the webhook's id (the receiver gets the secret).
std::string subscribe(Serve& serve, WebhookReceiver& receiver, const json::array& events) {
  const auto res = http_request(serve.port(), "POST", "/api/v1/webhooks",
                                json::serialize(json::object{{"url", receiver.url()}, {"events", events}}));
  if (res.status != 201) throw std::runtime_error("POST /api/v1/webhooks: " + res.body);
  const auto body = res.json();
  receiver.set_secret(std::string(body.at("secret").as_string()));
  return std::string(body.at("id").as_string());
}

json::array deliveries(Serve& serve, const std::string& webhook) {
  return serve.get("/api/v1/webhooks/" + webhook + "/deliveries").at("items").as_array();
}

// soon.web.test's certificate and registration end in 10 days: its first scan tells both.
const std::vector<std::string> kSoonFlags{"--check-timeout", "3s", "--rdap-url", "http://rdap.web.test/"};

TEST(Webhooks, AChangeIsDeliveredOnceSignedAsStandardWebhooksSays) {
  FakeVirusTotal vt;
  vt.answer("valid.web.test", 0);
  WebhookReceiver receiver;
  receiver.start();
  Serve serve({"--check-timeout", "3s", "--rdap-url", "http://rdap.web.test/", "--virustotal-key", "k",
               "--virustotal-url", vt.url(), "--virustotal-cache", "0s", "--virustotal-rate", "100000",
               "--expiry-thresholds", "7"});
  const auto webhook = subscribe(serve, receiver, {"domain.changed"});

  serve.wait_for({serve.scan("valid.web.test")}, 60s);
  serve.wait_for({serve.scan("valid.web.test")}, 60s);  // nothing changed: nothing to tell
  vt.answer("valid.web.test", 5);
  serve.wait_for({serve.scan("valid.web.test")}, 60s);

  ASSERT_TRUE(eventually([&] { return !receiver.received().empty(); }, 30s)) << serve.log();
  // Given the time for a duplicate to show, there is none.
  std::this_thread::sleep_for(3s);
  const auto got = receiver.received();
  ASSERT_EQ(got.size(), 1u) << serve.log();
  const auto& request = got[0];
  EXPECT_EQ(request.at("valid"), true) << json::serialize(request);
  EXPECT_EQ(request.at("content_type"), "application/json");
  EXPECT_EQ(request.at("answered"), 200);

  // The body is the event as the API lists it, and webhook-id is its id.
  const auto events = serve.get("/api/v1/events?type=domain.changed").at("items").as_array();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(json::parse(request.at("body").as_string()), events[0]);
  EXPECT_EQ(request.at("id"), events[0].at("id"));
  EXPECT_EQ(events[0].at("data").at("grade"), (json::object{{"before", "B"}, {"after", "F"}}));

  // The secret signs; it is written nowhere else: not in the log, not in /metrics.
  EXPECT_EQ(serve.log().find(receiver.secret()), std::string::npos);
  EXPECT_EQ(http_request(serve.port(), "GET", "/metrics").body.find(receiver.secret()), std::string::npos);

  const auto listed = deliveries(serve, webhook);
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].at("status"), "delivered");
  EXPECT_EQ(listed[0].at("attempts"), 1);
  EXPECT_EQ(listed[0].at("last_status_code"), 200);
  EXPECT_EQ(listed[0].at("event_id"), events[0].at("id"));
}

TEST(Webhooks, AFailedAnswerIsRetriedUntilTheReceiverTakesIt) {
  WebhookReceiver receiver;
  receiver.answer_next({500});
  receiver.start();
  Serve serve(kSoonFlags);
  const auto webhook = subscribe(serve, receiver, {"certificate.expiring"});
  serve.wait_for({serve.scan("soon.web.test")}, 60s);

  // The first retry comes within 10 seconds.
  ASSERT_TRUE(eventually([&] { return receiver.received().size() >= 2; }, 30s)) << serve.log();
  const auto got = receiver.received();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].at("answered"), 500);
  EXPECT_EQ(got[1].at("answered"), 200);
  EXPECT_EQ(got[0].at("id"), got[1].at("id"));  // the same event: receivers deduplicate by it
  EXPECT_EQ(got[0].at("valid"), true);
  EXPECT_EQ(got[1].at("valid"), true);
  EXPECT_EQ(json::parse(got[1].at("body").as_string()).at("type"), "certificate.expiring");
  ASSERT_TRUE(eventually([&] { return deliveries(serve, webhook).at(0).at("status") == "delivered"; }, 10s));
  const auto d = deliveries(serve, webhook).at(0);
  EXPECT_EQ(d.at("attempts"), 2);
  EXPECT_EQ(d.at("last_status_code"), 200);
}

TEST(Webhooks, AReceiverDownWhileTheServiceRestartsGetsTheEventAfterwards) {
  WebhookReceiver receiver;  // down
  Serve serve(kSoonFlags);
  const auto webhook = subscribe(serve, receiver, {"*"});
  serve.wait_for({serve.scan("soon.web.test")}, 60s);
  // The deliveries were tried, and failed: nothing listens.
  ASSERT_TRUE(eventually(
      [&] {
        const auto listed = deliveries(serve, webhook);
        return listed.size() == 2 && listed[0].at("attempts").as_int64() >= 1 &&
               listed[1].at("attempts").as_int64() >= 1;
      },
      30s))
      << json::serialize(deliveries(serve, webhook));
  EXPECT_EQ(deliveries(serve, webhook).at(0).at("status"), "pending");
  EXPECT_FALSE(deliveries(serve, webhook).at(0).at("last_error").as_string().empty());

  serve.restart();
  receiver.start();
  ASSERT_TRUE(eventually([&] { return receiver.received().size() >= 2; }, 60s)) << serve.log();
  std::set<std::string> types;
  for (const auto& r : receiver.received()) {
    EXPECT_EQ(r.at("valid"), true);
    types.insert(std::string(json::parse(r.at("body").as_string()).at("type").as_string()));
  }
  EXPECT_EQ(types, (std::set<std::string>{"certificate.expiring", "registration.expiring"}));
  ASSERT_TRUE(eventually(
      [&] {
        for (const auto& d : deliveries(serve, webhook)) {
          if (d.at("status") != "delivered") return false;
        }
        return true;
      },
      10s));
}

TEST(Webhooks, GoneDisablesTheWebhook) {
  WebhookReceiver receiver;
  receiver.answer_next({410});
  receiver.start();
  Serve serve(kSoonFlags);
  const auto webhook = subscribe(serve, receiver, {"certificate.expiring"});
  serve.wait_for({serve.scan("soon.web.test")}, 60s);
  ASSERT_TRUE(eventually([&] { return !serve.get("/api/v1/webhooks/" + webhook).at("disabled_at").is_null(); }, 30s))
      << serve.log();
  EXPECT_NE(serve.get("/api/v1/webhooks/" + webhook).at("disabled_reason").as_string().find("410"), std::string::npos);
  const auto listed = deliveries(serve, webhook);
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].at("status"), "failed");
  EXPECT_EQ(listed[0].at("last_status_code"), 410);
  std::this_thread::sleep_for(2s);
  EXPECT_EQ(receiver.received().size(), 1u);  // not retried
}

TEST(Webhooks, SlowOrBrokenReceiversNeverHoldUpScanning) {
  // Receivers of the test bed: one that accepts connections and never answers; an HTTPS one
  // whose certificate does not verify; one that redirects to HTTPS (not followed); and a
  // good HTTPS one (valid.web.test answers 200 to anything), verified with --ca-file.
  PythonServer silent({(testbed_dir() / "silent-listener.py").string(), "127.0.0.1", "{port}"}, free_loopback_port());
  silent.start();
  Serve serve({"--check-timeout", "3s", "--rdap-url", "http://rdap.web.test/", "--webhook-timeout", "1s"});
  std::vector<std::string> ids;
  for (const auto& url : {silent.url() + "/hook", std::string("https://selfsigned.web.test/hook"),
                          std::string("http://valid.web.test/hook"), std::string("https://valid.web.test/hook")}) {
    const auto res = http_request(serve.port(), "POST", "/api/v1/webhooks",
                                  json::serialize(json::object{{"url", url}, {"events", {"*"}}}));
    ASSERT_EQ(res.status, 201) << res.body;
    ids.emplace_back(res.json().at("id").as_string());
  }
  // Scans go on at their own pace while deliveries fail.
  std::vector<std::int64_t> scans;
  for (const char* d : {"soon.web.test", "valid.web.test", "plain.web.test", "chain.web.test"}) scans.push_back(serve.scan(d));
  const auto started = std::chrono::steady_clock::now();
  serve.wait_for(scans, 60s);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 30s);

  // The oldest delivery of a webhook once it has been tried.
  const auto first_tried = [&](const std::string& id) {
    json::object delivery;
    eventually(
        [&] {
          const auto listed = deliveries(serve, id);
          if (listed.empty() || listed.back().at("attempts").as_int64() == 0) return false;
          delivery = listed.back().as_object();
          return true;
        },
        30s);
    return delivery;
  };
  const auto error_of = [](const json::object& d) {
    return d.contains("last_error") && d.at("last_error").is_string() ? std::string(d.at("last_error").as_string()) : "";
  };
  const auto timed_out = first_tried(ids[0]);
  EXPECT_NE(error_of(timed_out).find("timed out"), std::string::npos) << json::serialize(timed_out);
  const auto unverified = first_tried(ids[1]);
  EXPECT_NE(error_of(unverified).find("self-signed"), std::string::npos) << json::serialize(unverified);
  const auto redirected = first_tried(ids[2]);
  EXPECT_EQ(redirected.at("last_status_code"), 301) << json::serialize(redirected);
  EXPECT_EQ(redirected.at("status"), "pending");
  const auto verified = first_tried(ids[3]);
  EXPECT_EQ(verified.at("status"), "delivered") << json::serialize(verified);
}

}  // namespace
}  // namespace domainscan::testing
