// The REST API over real HTTP: the v1 routes, the seed routes and the health routes.
#include "bus/topology.hpp"
#include "store/store.hpp"
#include "support/api_harness.hpp"
#include "support/http_client.hpp"
#include "support/store_helpers.hpp"

#include <gtest/gtest.h>

namespace domainscan::testing {
namespace {

namespace json = boost::json;

class ApiDomains : public ::testing::Test {
 protected:
  HttpResponse call(const std::string& method, const std::string& target, const std::string& body = "") {
    return http_request(api.port(), method, target, body);
  }
  ApiHarness api;
};

TEST_F(ApiDomains, AddIsIdempotentAndNormalises) {
  const auto first = call("POST", "/api/v1/domains", R"({"domain": "Example.COM"})");
  ASSERT_EQ(first.status, 202) << first.body;
  const auto body = first.json();
  EXPECT_EQ(body.at("domain").as_string(), "example.com");
  EXPECT_EQ(body.at("status").as_string(), "pending");
  EXPECT_TRUE(body.at("schedule").is_null());
  const auto scan_id = body.at("scan_id").as_int64();
  EXPECT_EQ(body.at("last_scan").at("id").as_int64(), scan_id);
  EXPECT_EQ(body.at("last_scan").at("status").as_string(), "queued");
  api.wait_for_publishes();
  EXPECT_EQ(api.bus().depth(bus::kScanQueue), 1) << "the scan request was published";

  const auto second = call("POST", "/api/v1/domains", R"({"domain": "https://example.com/some/path"})");
  ASSERT_EQ(second.status, 200) << second.body;
  EXPECT_EQ(second.json().at("scan_id").as_int64(), scan_id);
  api.wait_for_publishes();
  EXPECT_EQ(api.bus().depth(bus::kScanQueue), 1) << "a known domain queues nothing new";
  EXPECT_EQ(api.store().list_scans("example.com", 10).size(), 1u);
}

TEST_F(ApiDomains, UnicodeNamesAreStoredAsALabels) {
  const auto res = call("POST", "/api/v1/domains", R"({"domain": "bücher.de"})");
  ASSERT_EQ(res.status, 202) << res.body;
  EXPECT_EQ(res.json().at("domain").as_string(), "xn--bcher-kva.de");
  EXPECT_EQ(call("GET", "/api/v1/domains/b%C3%BCcher.de").status, 200);
}

TEST_F(ApiDomains, ShowDeleteAndNotFound) {
  ASSERT_EQ(call("POST", "/api/v1/domains", R"({"domain": "show.com"})").status, 202);
  const auto shown = call("GET", "/api/v1/domains/SHOW.com");
  ASSERT_EQ(shown.status, 200);
  const auto body = shown.json();
  EXPECT_EQ(body.at("domain").as_string(), "show.com");
  EXPECT_TRUE(body.at("last_scan").as_object().contains("checks")) << "the domain shows its latest scan in full";
  EXPECT_FALSE(body.at("created_at").as_string().empty());

  EXPECT_EQ(call("GET", "/api/v1/domains/unknown.com").status, 404);
  EXPECT_EQ(call("DELETE", "/api/v1/domains/show.com").status, 204);
  EXPECT_EQ(call("GET", "/api/v1/domains/show.com").status, 404);
  EXPECT_EQ(call("DELETE", "/api/v1/domains/show.com").status, 404);
}

TEST_F(ApiDomains, ListPagesAndFilters) {
  for (const char* n : {"c.com", "a.com", "b.com"}) {
    ASSERT_EQ(call("POST", "/api/v1/domains", std::string(R"({"domain": ")") + n + "\"}").status, 202);
  }
  const auto page1 = call("GET", "/api/v1/domains?limit=2").json();
  ASSERT_EQ(page1.at("items").as_array().size(), 2u);
  EXPECT_EQ(page1.at("items").at(0).at("domain").as_string(), "a.com");
  const std::string cursor(page1.at("next_cursor").as_string());
  const auto page2 = call("GET", "/api/v1/domains?limit=2&cursor=" + cursor).json();
  ASSERT_EQ(page2.at("items").as_array().size(), 1u);
  EXPECT_EQ(page2.at("items").at(0).at("domain").as_string(), "c.com");
  EXPECT_TRUE(page2.at("next_cursor").is_null());
  EXPECT_EQ(call("GET", "/api/v1/domains?status=pending").json().at("items").as_array().size(), 3u);
  EXPECT_EQ(call("GET", "/api/v1/domains?status=bad").json().at("items").as_array().size(), 0u);
}

TEST_F(ApiDomains, RescanQueuesAtMostOneAndHistoryShowsIt) {
  const auto added = call("POST", "/api/v1/domains", R"({"domain": "r.com"})").json();
  const auto first_id = added.at("scan_id").as_int64();
  // The first scan is still queued: a rescan returns it rather than queueing another.
  const auto same = call("POST", "/api/v1/domains/r.com/scans");
  ASSERT_EQ(same.status, 200) << same.body;
  EXPECT_EQ(same.json().at("id").as_int64(), first_id);

  ASSERT_TRUE(api.store().claim_scan(first_id));  // a worker took it
  const auto rescan = call("POST", "/api/v1/domains/r.com/scans");
  ASSERT_EQ(rescan.status, 202) << rescan.body;
  EXPECT_EQ(rescan.json().at("trigger").as_string(), "rescan");
  EXPECT_EQ(api.bus().depth(bus::kScanQueue), 2);

  const auto history = call("GET", "/api/v1/domains/r.com/scans").json();
  ASSERT_EQ(history.at("items").as_array().size(), 2u);
  EXPECT_EQ(history.at("items").at(0).at("id").as_int64(), rescan.json().at("id").as_int64());
  EXPECT_FALSE(history.at("items").at(0).as_object().contains("checks")) << "history holds summaries";
  EXPECT_EQ(call("GET", "/api/v1/domains/r.com/scans?limit=1").json().at("items").as_array().size(), 1u);
  EXPECT_EQ(call("POST", "/api/v1/domains/nothere.com/scans").status, 404);
  EXPECT_EQ(call("GET", "/api/v1/domains/nothere.com/scans").status, 404);
}

TEST_F(ApiDomains, ScanInFull) {
  const auto added = call("POST", "/api/v1/domains", R"({"domain": "full.com"})").json();
  const auto id = added.at("scan_id").as_int64();
  ASSERT_TRUE(api.store().claim_scan(id));
  store::ScanCompletion done;
  done.scan_id = id;
  done.result_json = dns_only_result({"192.0.2.1"});
  ASSERT_TRUE(api.store().complete_scan(done));

  const auto scan = call("GET", "/api/v1/scans/" + std::to_string(id));
  ASSERT_EQ(scan.status, 200);
  const auto body = scan.json();
  EXPECT_EQ(body.at("status").as_string(), "completed");
  EXPECT_EQ(body.at("trigger").as_string(), "api");
  EXPECT_EQ(body.at("checks").at("dns").at("a").at(0).as_string(), "192.0.2.1");
  EXPECT_TRUE(body.at("findings").is_array());
  EXPECT_FALSE(body.at("finished_at").is_null());
  EXPECT_EQ(call("GET", "/api/v1/scans/987654").status, 404);
}

TEST_F(ApiDomains, SchedulesAreSetShownAndRemoved) {
  const auto added = call("POST", "/api/v1/domains",
                          R"({"domain": "sched.com", "schedule": {"cron": "0 3 * * *", "timezone": "Europe/Berlin"}})");
  ASSERT_EQ(added.status, 202) << added.body;
  EXPECT_EQ(added.json().at("schedule").at("cron").as_string(), "0 3 * * *");
  EXPECT_EQ(added.json().at("schedule").at("timezone").as_string(), "Europe/Berlin");

  const auto put = call("PUT", "/api/v1/domains/sched.com/schedule", R"({"cron": "@daily"})");
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(put.json().at("schedule").at("cron").as_string(), "@daily");
  EXPECT_EQ(put.json().at("schedule").at("timezone").as_string(), "UTC");
  EXPECT_EQ(call("PUT", "/api/v1/domains/sched.com/schedule", R"({"cron": "61 * * *"})").status, 400);
  EXPECT_EQ(call("PUT", "/api/v1/domains/other.com/schedule", R"({"cron": "@daily"})").status, 404);

  EXPECT_EQ(call("DELETE", "/api/v1/domains/sched.com/schedule").status, 204);
  EXPECT_TRUE(call("GET", "/api/v1/domains/sched.com").json().at("schedule").is_null());
  EXPECT_EQ(call("DELETE", "/api/v1/domains/sched.com/schedule").status, 404);
  // Each change that was stored told the scheduler (schedule.requested): add, put, delete;
  // the refused ones did not.
  EXPECT_EQ(api.bus().depth(bus::kScheduleQueue), 3);
}

TEST_F(ApiDomains, SeedGetQueuesUnknownAndAnswersScanned) {
  api.context().seed_compat = true;  // --seed-compat on
  const auto unknown = call("GET", "/domain?domain=Seed.COM");
  ASSERT_EQ(unknown.status, 202) << unknown.body;
  EXPECT_NE(unknown.json().at("message").as_string().find("check back later"), std::string::npos);
  const auto id = unknown.json().at("scan_id").as_int64();
  EXPECT_EQ(api.bus().depth(bus::kScanQueue), 1);

  // Asked again while queued: still "later", and nothing new queued.
  EXPECT_EQ(call("GET", "/domain?domain=seed.com").status, 202);
  EXPECT_EQ(api.bus().depth(bus::kScanQueue), 1);

  ASSERT_TRUE(api.store().claim_scan(id));
  store::ScanCompletion done;
  done.scan_id = id;
  done.result_json = dns_only_result({});
  ASSERT_TRUE(api.store().complete_scan(done));
  const auto scanned = call("GET", "/domain?domain=seed.com");
  ASSERT_EQ(scanned.status, 200) << scanned.body;
  EXPECT_EQ(scanned.json().at("last_scan").at("checks").at("dns").at("status").as_string(), "ok");
}

// Any web page can make a browser send a GET (an <img> will do): without --seed-compat the
// seed's GET adds nothing and queues nothing.
TEST_F(ApiDomains, SeedGetAddsNothingWithoutSeedCompat) {
  const auto unknown = call("GET", "/domain?domain=seed.com");
  ASSERT_EQ(unknown.status, 404) << unknown.body;
  EXPECT_NE(unknown.json().at("error").at("message").as_string().find("--seed-compat"), std::string::npos);
  EXPECT_FALSE(api.store().find_domain("seed.com"));
  EXPECT_EQ(api.bus().depth(bus::kScanQueue), 0);

  // A known domain is answered as it is, its queued scan not doubled.
  ASSERT_EQ(call("POST", "/api/v1/domains", R"({"domain": "known.com"})").status, 202);
  const auto known = call("GET", "/domain?domain=known.com");
  EXPECT_EQ(known.status, 202) << known.body;
  EXPECT_EQ(api.bus().depth(bus::kScanQueue), 1);
}

TEST_F(ApiDomains, SeedGetDoesNotRequeueABadDomain) {
  const auto added = api.store().add_domain("gone.com", std::nullopt, store::ScanTrigger::api);
  ASSERT_TRUE(api.store().claim_scan(added.scan_id));
  store::ScanCompletion done;
  done.scan_id = added.scan_id;
  done.domain_status = store::DomainStatus::bad;
  done.bad_reason = "nxdomain";
  ASSERT_TRUE(api.store().complete_scan(done));
  const auto res = call("GET", "/domain?domain=gone.com");
  ASSERT_EQ(res.status, 200);
  EXPECT_EQ(res.json().at("status").as_string(), "bad");
  EXPECT_EQ(res.json().at("bad_reason").as_string(), "nxdomain");
  EXPECT_EQ(api.bus().depth(bus::kScanQueue), 0);
}

TEST_F(ApiDomains, SeedPostAddsWithAnIntervalSchedule) {
  const auto res = call("POST", "/domain?domain=interval.com&interval=4");
  ASSERT_EQ(res.status, 202) << res.body;
  const std::string cron(res.json().at("schedule").at("cron").as_string());
  // Four runs a day: four hours in the hour field, six hours apart.
  const auto hours = cron.substr(cron.find(' ') + 1, cron.find(" * * *") - cron.find(' ') - 1);
  EXPECT_EQ(std::count(hours.begin(), hours.end(), ','), 3) << cron;
  EXPECT_EQ(call("POST", "/domain?domain=interval.com&interval=2").status, 200);
  EXPECT_NE(call("GET", "/api/v1/domains/interval.com").json().at("schedule").at("cron").as_string(), cron);
}

TEST_F(ApiDomains, TheDashboardIsServedWithAStrictPolicy) {
  const auto index = call("GET", "/");
  ASSERT_EQ(index.status, 200);
  EXPECT_EQ(index.headers.at("content-type"), "text/html; charset=utf-8");
  EXPECT_NE(index.body.find("<script type=\"module\" src=\"/web/app.js\">"), std::string::npos);
  EXPECT_NE(index.headers.at("content-security-policy").find("script-src 'self'"), std::string::npos);
  EXPECT_EQ(index.headers.at("x-content-type-options"), "nosniff");
  const auto app = call("GET", "/web/app.js");
  ASSERT_EQ(app.status, 200);
  EXPECT_EQ(app.headers.at("content-type"), "text/javascript; charset=utf-8");
  EXPECT_NE(app.body.find("renderDomains"), std::string::npos);
  EXPECT_EQ(call("GET", "/web/style.css").headers.at("content-type"), "text/css; charset=utf-8");
  EXPECT_EQ(call("GET", "/web/nothing.js").status, 404);
  EXPECT_EQ(call("GET", "/web/..%2Fapi%2Fv1%2Fdomains").status, 404);
  EXPECT_EQ(call("POST", "/web/app.js").status, 405);
}

TEST_F(ApiDomains, HealthReadinessAndMetrics) {
  EXPECT_EQ(call("GET", "/healthz").status, 200);
  const auto ready = call("GET", "/readyz");
  EXPECT_EQ(ready.status, 200);
  EXPECT_EQ(ready.json().at("database").as_string(), "ok");
  ASSERT_EQ(call("POST", "/api/v1/domains", R"({"domain": "m.com"})").status, 202);
  api.wait_for_publishes();
  const auto metrics = call("GET", "/metrics");
  ASSERT_EQ(metrics.status, 200);
  EXPECT_NE(metrics.headers.at("content-type").find("text/plain"), std::string::npos);
  EXPECT_NE(metrics.body.find(R"(domainscan_http_requests_total{method="POST",route="/api/v1/domains",status="202"} 1)"),
            std::string::npos)
      << metrics.body;
  EXPECT_NE(metrics.body.find(R"(domainscan_scans{status="queued"} 1)"), std::string::npos) << metrics.body;
  EXPECT_NE(metrics.body.find(R"(domainscan_queue_depth{queue="domainscan.scans"} 1)"), std::string::npos);
  // The scan request published after the answer, and none waiting.
  EXPECT_NE(metrics.body.find("\ndomainscan_scan_requests_publishing 0\n"), std::string::npos) << metrics.body;
  EXPECT_NE(metrics.body.find("\ndomainscan_scan_requests_waited_total 0\n"), std::string::npos) << metrics.body;
}

TEST_F(ApiDomains, KeepAliveServesSeveralRequestsOnOneConnection) {
  const std::string two = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  // raw_exchange stops at the first header end; read everything instead by counting.
  const auto answer = raw_exchange(api.port(), two);
  EXPECT_EQ(answer.rfind("HTTP/1.1 200", 0), 0u) << answer;
}

}  // namespace
}  // namespace domainscan::testing
