// POST /api/v1/domains/bulk over real HTTP, on SQLite and PostgreSQL: the three body forms,
// invalid entries listed while the valid ones go on, idempotence, the size bounds, and the
// scan rate limit counted per domain.
#include "bus/topology.hpp"
#include "store/store.hpp"
#include "support/api_harness.hpp"
#include "support/http_client.hpp"

#include <boost/json.hpp>
#include <fmt/format.h>
#include <gtest/gtest.h>

namespace domainscan::testing {
namespace {

namespace json = boost::json;

class ApiBulk : public ::testing::TestWithParam<Backend> {
 protected:
  ApiBulk() : api(GetParam()) {}
  HttpResponse bulk(const std::string& body, const std::string& type = "application/json") {
    return http_request(api.port(), "POST", "/api/v1/domains/bulk", body, type);
  }
  std::size_t stored() {
    store::DomainQuery all;
    all.limit = 500;
    return api.store().list_domains(all).items.size();
  }
  ApiHarness api;
};

TEST_P(ApiBulk, AJsonArrayAddsTheValidNamesAndListsTheInvalidOnes) {
  ASSERT_EQ(http_request(api.port(), "POST", "/api/v1/domains", R"({"domain":"known.test"})").status, 202);
  const auto res = bulk(R"(["a.test", "Known.TEST", "not a name", 42, "https://b.test/path", "a.test", "192.0.2.1"])");
  ASSERT_EQ(res.status, 202) << res.body;
  const auto body = res.json();
  EXPECT_EQ(body.at("added"), 2);   // a.test, b.test
  EXPECT_EQ(body.at("known"), 2);   // known.test, and a.test the second time
  EXPECT_EQ(body.at("queued"), 2);
  EXPECT_EQ(body.at("invalid_count"), 3);
  const auto& invalid = body.at("invalid").as_array();
  ASSERT_EQ(invalid.size(), 3u);
  EXPECT_EQ(invalid[0].at("index"), 2);
  EXPECT_EQ(invalid[0].at("input"), "not a name");
  EXPECT_FALSE(invalid[0].at("error").as_string().empty());
  EXPECT_EQ(invalid[1].at("index"), 3);
  EXPECT_EQ(invalid[1].at("input"), "42");
  EXPECT_EQ(invalid[1].at("error"), "not a string");
  EXPECT_EQ(invalid[2].at("index"), 6);

  EXPECT_TRUE(api.store().find_domain("a.test"));
  EXPECT_TRUE(api.store().find_domain("b.test"));
  EXPECT_EQ(stored(), 3u);
  // One scan request each for the new ones, besides known.test's own.
  EXPECT_EQ(api.bus().depth(bus::kScanQueue), 3);
  EXPECT_EQ(api.store().list_scans("known.test", 10).size(), 1u);
}

TEST_P(ApiBulk, TextIsANameALineWithBlankLinesAndCommentsSkipped) {
  const std::string text = "# exported 2026-11-29\r\nalpha.test\r\n\n   beta.test  \nfoo..test\nhttps://gamma.test/\n";
  // curl --data-binary sends application/x-www-form-urlencoded unless told: text too.
  for (const std::string type : {"text/plain", "text/plain; charset=utf-8", "application/x-www-form-urlencoded"}) {
    const auto res = bulk(text, type);
    ASSERT_TRUE(res.status == 202 || res.status == 200) << res.body;
    const auto body = res.json();
    EXPECT_EQ(body.at("added").as_int64() + body.at("known").as_int64(), 3) << res.body;
    ASSERT_EQ(body.at("invalid").as_array().size(), 1u) << res.body;
    EXPECT_EQ(body.at("invalid").at(0).at("line"), 5);
    EXPECT_EQ(body.at("invalid").at(0).at("input"), "foo..test");
  }
  EXPECT_EQ(stored(), 3u);
  EXPECT_TRUE(api.store().find_domain("gamma.test"));
}

// JSON must say it is JSON (a page of another site can send text or a form without asking
// first, never application/json), and a multipart upload is no list.
TEST_P(ApiBulk, JsonOfAnotherTypeAndMultipartAreRefused) {
  for (const std::string type : {"text/plain", "application/x-www-form-urlencoded"}) {
    for (const std::string body : {R"(["alpha.test"])", R"({"domains": ["alpha.test"]})"}) {
      const auto res = bulk(body, type);
      EXPECT_EQ(res.status, 415) << type << ": " << res.body;
      EXPECT_EQ(res.json().at("error").at("code"), "unsupported_media_type");
    }
  }
  EXPECT_EQ(bulk("alpha.test\n", "multipart/form-data; boundary=x").status, 415);
  const auto untyped = raw_exchange(api.port(), "POST /api/v1/domains/bulk HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                                "Content-Length: 15\r\nConnection: close\r\n\r\n[\"alpha.test\"]\n");
  EXPECT_EQ(untyped.rfind("HTTP/1.1 415", 0), 0u) << untyped;
  EXPECT_EQ(stored(), 0u);
  EXPECT_EQ(api.bus().depth(bus::kScanQueue), 0);
}

TEST_P(ApiBulk, AnObjectCarriesAScheduleForTheNewDomains) {
  const auto res = bulk(R"({"domains": ["s1.test", "s2.test"], "schedule": {"cron": "0 4 * * 1", "timezone": "Europe/Paris"}})");
  ASSERT_EQ(res.status, 202) << res.body;
  for (const auto* name : {"s1.test", "s2.test"}) {
    const auto d = api.store().find_domain(name);
    ASSERT_TRUE(d && d->schedule) << name;
    EXPECT_EQ(d->schedule->cron, "0 4 * * 1");
    EXPECT_EQ(d->schedule->timezone, "Europe/Paris");
  }
  // The scheduler is told of each, as for a single add.
  EXPECT_EQ(api.bus().depth(bus::kScheduleQueue), 2);

  const auto bad = bulk(R"({"domains": ["s3.test"], "schedule": {"cron": "sometimes"}})");
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_EQ(bad.json().at("error").at("code"), "invalid_schedule");
  EXPECT_FALSE(api.store().find_domain("s3.test"));
}

TEST_P(ApiBulk, SendingTheSameListAgainChangesNothing) {
  std::string text;
  for (int i = 0; i < 2500; ++i) text += fmt::format("host{}.test\n", i);  // more than one batch
  const auto first = bulk(text, "text/plain");
  ASSERT_EQ(first.status, 202) << first.body;
  EXPECT_EQ(first.json().at("added"), 2500);
  EXPECT_EQ(api.bus().depth(bus::kScanQueue), 2500);

  const auto again = bulk(text, "text/plain");
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.json().at("added"), 0);
  EXPECT_EQ(again.json().at("known"), 2500);
  EXPECT_EQ(again.json().at("queued"), 0);
  EXPECT_EQ(api.bus().depth(bus::kScanQueue), 2500);
  // Every scan request was confirmed: the outbox has nothing left to publish.
  EXPECT_TRUE(api.store().take_unpublished_scans(std::chrono::milliseconds(0), 10).empty());
}

TEST_P(ApiBulk, TooManyNamesOrNoneAreRefusedWhole) {
  api.context().bulk_max = 3;
  const auto too_many = bulk(R"(["a.test", "b.test", "c.test", "d.test"])");
  ASSERT_EQ(too_many.status, 413) << too_many.body;
  EXPECT_EQ(too_many.json().at("error").at("code"), "too_many_domains");
  EXPECT_EQ(stored(), 0u);
  for (const auto& [body, code] : std::vector<std::pair<std::string, std::string>>{
           {"", "invalid_body"}, {"[\"a.test\"", "invalid_json"}, {"{\"names\": []}", "invalid_json"}, {"7", "invalid_json"}}) {
    const auto res = bulk(body);
    EXPECT_EQ(res.status, 400) << body << ": " << res.body;
    EXPECT_EQ(res.json().at("error").at("code").as_string(), code) << body;
  }
  // Three are fine, and an invalid entry counts towards the bound like a valid one.
  EXPECT_EQ(bulk(R"(["a.test", "b.test", "c.test"])").status, 202);
  EXPECT_EQ(bulk(R"(["a.test", "b.test", "x", "c.test"])").status, 413);
}

TEST_P(ApiBulk, ABodyLargerThanTheServersLimitIsTakenOnTheBulkRouteOnly) {
  // 1.6 MB of names, past the 1 MiB every other route takes.
  api.context().bulk_max = 40'000;
  std::string text;
  int names = 0;
  for (; text.size() < 1'600'000; ++names) text += fmt::format("a-rather-long-host-name-number-{:06}.test\n", names);
  const auto res = bulk(text, "text/plain");
  ASSERT_EQ(res.status, 202) << res.body.substr(0, 300);
  EXPECT_EQ(res.json().at("added"), names);
  // Announced to another route, the same length is refused before any of the body is read.
  const auto elsewhere = raw_exchange(api.port(), fmt::format("POST /api/v1/domains HTTP/1.1\r\nHost: x\r\n"
                                                              "Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
                                                              text.size()));
  EXPECT_EQ(elsewhere.rfind("HTTP/1.1 413", 0), 0u) << elsewhere;
  // And the bulk route's own bound, past --bulk-max names' worth, too.
  const auto beyond = raw_exchange(api.port(), "POST /api/v1/domains/bulk HTTP/1.1\r\nHost: x\r\n"
                                               "Content-Type: text/plain\r\nContent-Length: 900000000\r\n\r\n");
  EXPECT_EQ(beyond.rfind("HTTP/1.1 413", 0), 0u) << beyond;
}

INSTANTIATE_TEST_SUITE_P(Backends, ApiBulk, ::testing::Values(Backend::sqlite, Backend::postgres),
                         [](const auto& info) { return std::string(backend_name(info.param)); });

TEST(ApiBulkRateLimit, ABulkSubmissionCountsOneScanPerNewDomain) {
  // Scans: 1 a second, bursts of 5.
  ApiHarness api(Backend::sqlite, {}, {}, HarnessRates{api::RateLimit{100, 100}, api::RateLimit{1, 5}});
  const auto first = http_request(api.port(), "POST", "/api/v1/domains/bulk", R"(["a.test","b.test","c.test","d.test","e.test","f.test","g.test","h.test"])");
  // Let in (the client had scans left), and it now owes three.
  ASSERT_EQ(first.status, 202) << first.body;
  EXPECT_EQ(first.json().at("added"), 8);
  const auto next = http_request(api.port(), "POST", "/api/v1/domains", R"({"domain":"i.test"})");
  ASSERT_EQ(next.status, 429) << next.body;
  // Three owed and one to take, at one a second.
  EXPECT_EQ(next.headers.at("retry-after"), "4");
  EXPECT_EQ(next.headers.at("ratelimit").rfind(R"("scans";r=0;)", 0), 0u) << next.headers.at("ratelimit");

  // Known names queue nothing, so they cost only the request itself.
  ApiHarness fresh(Backend::sqlite, {}, {}, HarnessRates{api::RateLimit{100, 100}, api::RateLimit{1, 5}});
  for (int i = 0; i < 3; ++i) {
    const auto res = http_request(fresh.port(), "POST", "/api/v1/domains/bulk", R"(["a.test"])");
    EXPECT_TRUE(res.status == 202 || res.status == 200) << res.body;
  }
  EXPECT_EQ(http_request(fresh.port(), "POST", "/api/v1/domains", R"({"domain":"z.test"})").status, 202);
}

}  // namespace
}  // namespace domainscan::testing
