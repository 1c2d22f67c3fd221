// The events routes and the diff route over real HTTP: what scans changed, newest first,
// filtered and paged, and what differs between any two scans of a domain.
#include "store/store.hpp"
#include "support/api_harness.hpp"
#include "support/http_client.hpp"
#include "support/store_helpers.hpp"

#include <gtest/gtest.h>

namespace domainscan::testing {
namespace {

namespace json = boost::json;

class ApiEvents : public ::testing::Test {
 protected:
  HttpResponse call(const std::string& target) { return http_request(api.port(), "GET", target); }

  // One completed scan of `domain` with this result and these events; returns its id.
  std::int64_t complete(const std::string& domain, const std::string& result, std::vector<store::NewEvent> events = {},
                        std::optional<std::string> grade = "B") {
    auto queued = api.store().queue_scan(domain, store::ScanTrigger::rescan);
    if (!queued) queued = store::QueueScanResult{api.store().add_domain(domain, std::nullopt, store::ScanTrigger::api).scan_id, true};
    EXPECT_TRUE(api.store().claim_scan(queued->scan_id));
    store::ScanCompletion done;
    done.scan_id = queued->scan_id;
    done.grade = grade;
    done.score = grade ? std::optional<int>(80) : std::nullopt;
    done.result_json = result;
    done.events = std::move(events);
    EXPECT_TRUE(api.store().complete_scan(done));
    return queued->scan_id;
  }

  ApiHarness api;
};

store::NewEvent event(const char* type, const char* data = "{}") { return {type, std::nullopt, data, std::nullopt}; }

TEST_F(ApiEvents, ListedNewestFirstInTheListEnvelope) {
  const auto scan = complete("a.com", "{}", {event("domain.bad", R"({"bad_reason":"nxdomain"})")});
  complete("b.com", "{}", {event("domain.changed")});
  const auto res = call("/api/v1/events");
  ASSERT_EQ(res.status, 200) << res.body;
  const auto body = res.json();
  const auto& items = body.at("items").as_array();
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].at("domain"), "b.com");
  const auto& bad = items[1].as_object();
  EXPECT_EQ(bad.at("type"), "domain.bad");
  EXPECT_EQ(bad.at("domain"), "a.com");
  EXPECT_EQ(bad.at("scan_id"), scan);
  EXPECT_TRUE(bad.at("previous_scan_id").is_null());
  EXPECT_EQ(bad.at("data"), (json::object{{"bad_reason", "nxdomain"}}));
  EXPECT_EQ(std::string(bad.at("id").as_string()).rfind("evt_", 0), 0u);
  EXPECT_TRUE(bad.at("created_at").as_string().ends_with("Z"));
  EXPECT_TRUE(body.at("next_cursor").is_null());
}

TEST_F(ApiEvents, FilteredByTypeDomainAndTimeAndPaged) {
  for (int i = 0; i < 3; ++i) {
    complete("a.com", "{}", {event("domain.changed")});
    complete("b.com", "{}", {event("certificate.expiring")});
  }
  EXPECT_EQ(call("/api/v1/events?type=certificate.expiring").json().at("items").as_array().size(), 3u);
  EXPECT_EQ(call("/api/v1/events?domain=A.COM").json().at("items").as_array().size(), 3u);
  EXPECT_EQ(call("/api/v1/domains/b.com/events").json().at("items").as_array().size(), 3u);
  EXPECT_EQ(call("/api/v1/domains/b.com/events?type=domain.changed").json().at("items").as_array().size(), 0u);
  EXPECT_EQ(call("/api/v1/events?since=2999-01-01T00:00:00Z").json().at("items").as_array().size(), 0u);
  EXPECT_EQ(call("/api/v1/events?since=2000-01-01T00:00:00Z").json().at("items").as_array().size(), 6u);

  const auto first = call("/api/v1/events?limit=4").json();
  ASSERT_EQ(first.at("items").as_array().size(), 4u);
  const std::string cursor(first.at("next_cursor").as_string());
  const auto second = call("/api/v1/events?limit=4&cursor=" + cursor).json();
  EXPECT_EQ(second.at("items").as_array().size(), 2u);
  EXPECT_TRUE(second.at("next_cursor").is_null());
}

TEST_F(ApiEvents, BadFiltersAreClearErrors) {
  for (const char* target : {"/api/v1/events?type=domain.exploded", "/api/v1/events?since=yesterday",
                             "/api/v1/events?limit=0", "/api/v1/events?cursor=evt_x", "/api/v1/events?domain=not a name"}) {
    const auto res = call(target);
    EXPECT_EQ(res.status, 400) << target << ": " << res.body;
    EXPECT_TRUE(res.json().at("error").at("message").is_string()) << target;
  }
  EXPECT_EQ(call("/api/v1/domains/unknown.com/events").status, 404);
}

TEST_F(ApiEvents, TheDiffOfAnyTwoScansOfADomain) {
  const auto before = complete("d.com", dns_only_result({"192.0.2.1"}));
  complete("d.com", dns_only_result({"192.0.2.1"}));
  const auto after = complete(
      "d.com",
      dns_only_result({"192.0.2.7"}, R"([{"id":"email.spf_missing","check":"email","severity":"medium","message":"m"}])"),
      {}, "C");
  const auto res = call("/api/v1/scans/" + std::to_string(after) + "/diff?against=" + std::to_string(before));
  ASSERT_EQ(res.status, 200) << res.body;
  const auto body = res.json();
  EXPECT_EQ(body.at("domain"), "d.com");
  EXPECT_EQ(body.at("changed"), true);
  EXPECT_EQ(body.at("grade"), (json::object{{"before", "B"}, {"after", "C"}}));
  ASSERT_EQ(body.at("changes").as_array().size(), 1u);
  EXPECT_EQ(body.at("changes").at(0).at("field"), "a");
  EXPECT_EQ(body.at("new_findings").at(0).at("id"), "email.spf_missing");

  const auto same = call("/api/v1/scans/" + std::to_string(before + 1) + "/diff?against=" + std::to_string(before));
  EXPECT_EQ(same.json().at("changed"), false);
}

TEST_F(ApiEvents, TheDiffRefusesWhatCannotBeCompared) {
  const auto a = complete("x.com", "{}");
  const auto b = complete("y.com", "{}");
  const auto queued = api.store().queue_scan("x.com", store::ScanTrigger::rescan)->scan_id;
  const auto target = [](std::int64_t id, const std::string& against) {
    return "/api/v1/scans/" + std::to_string(id) + "/diff" + against;
  };
  EXPECT_EQ(call(target(a, "")).status, 400);                                     // against missing
  EXPECT_EQ(call(target(a, "?against=first")).status, 400);                       // not an id
  EXPECT_EQ(call(target(a, "?against=" + std::to_string(b))).status, 400);        // another domain
  EXPECT_EQ(call(target(a, "?against=999999")).status, 404);                      // no such scan
  EXPECT_EQ(call(target(queued, "?against=" + std::to_string(a))).status, 409);   // not completed yet
}

}  // namespace
}  // namespace domainscan::testing
