// The read routes answer from the read cache (api/read_cache.hpp) while what they show cannot
// have changed, and never after a change: one made by another writer on the same database (a
// worker or an api in another process: here a store of its own, with its own connections),
// or one made through this API (which the client must see in its very next read). SQLite
// counts every change; PostgreSQL only deletions (so there only finished scans are kept).
#include "store/store.hpp"
#include "support/api_harness.hpp"
#include "support/eventually.hpp"
#include "support/http_client.hpp"
#include "support/store_helpers.hpp"

#include <gtest/gtest.h>

namespace domainscan::testing {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

class ApiReadCache : public ::testing::TestWithParam<Backend> {
 protected:
  ApiReadCache() : api(GetParam()) {}
  HttpResponse call(const std::string& method, const std::string& target, const std::string& body = "") {
    return http_request(api.port(), method, target, body);
  }
  json::value get_json(const std::string& target) {
    const auto res = call("GET", target);
    EXPECT_EQ(res.status, 200) << target << ": " << res.body;
    return res.status == 200 ? res.json() : json::value();
  }
  // Reads the target until an answer comes from the cache (on PostgreSQL the process first
  // has to be listening for deletions).
  bool answered_from_cache(const std::string& target, std::chrono::milliseconds timeout = 10s) {
    return eventually(
        [&] {
          const auto hits = api.reads().hits();
          call("GET", target);
          call("GET", target);
          return api.reads().hits() > hits;
        },
        timeout);
  }
  // Adds the domain through the API; returns its first scan's id.
  std::int64_t added(const std::string& domain) {
    const auto res = call("POST", "/api/v1/domains", R"({"domain": ")" + domain + "\"}");
    EXPECT_EQ(res.status, 202) << res.body;
    return res.status == 202 ? res.json().at("scan_id").as_int64() : 0;
  }
  // Claims and completes the scan through `writer`, as a worker would.
  static void complete(store::Store& writer, std::int64_t id) {
    ASSERT_TRUE(writer.claim_scan(id));
    store::ScanCompletion done;
    done.scan_id = id;
    done.result_json = dns_only_result({"192.0.2.1"});
    ASSERT_TRUE(writer.complete_scan(done));
  }
  // Adds the domain and completes its first scan through `writer`; returns the scan's id.
  std::int64_t scanned(const std::string& domain, store::Store& writer) {
    const auto id = added(domain);
    complete(writer, id);
    return id;
  }
  bool sqlite() const { return GetParam() == Backend::sqlite; }
  ApiHarness api;
};

TEST_P(ApiReadCache, AScanCompletedByAnotherWriterShowsInTheNextRead) {
  const auto id = added("cached.test");
  ASSERT_GT(id, 0);
  const auto scan_target = "/api/v1/scans/" + std::to_string(id);
  if (sqlite()) {
    ASSERT_TRUE(answered_from_cache("/api/v1/domains/cached.test"));
    ASSERT_TRUE(answered_from_cache(scan_target));
    ASSERT_TRUE(answered_from_cache("/api/v1/domains"));
  } else {
    // What changes in place is never kept on PostgreSQL (see store/change_counter.hpp).
    EXPECT_FALSE(answered_from_cache("/api/v1/domains/cached.test", 1s));
    EXPECT_FALSE(answered_from_cache(scan_target, 1s)) << "a queued scan changes in place";
  }
  EXPECT_EQ(get_json("/api/v1/domains/cached.test").at("last_scan").at("status"), "queued");

  auto worker_store = store::open_store(api.database_url(), 1);
  complete(*worker_store, id);
  if (HasFatalFailure()) return;

  // The very next reads show the scan: SQLite's counter is read on every lookup.
  EXPECT_EQ(get_json("/api/v1/domains/cached.test").at("last_scan").at("status"), "completed");
  EXPECT_EQ(get_json(scan_target).at("status"), "completed");
  EXPECT_EQ(get_json("/api/v1/domains").at("items").at(0).at("last_scan").at("status"), "completed");
  EXPECT_EQ(get_json(scan_target).at("checks").at("dns").at("a").at(0), "192.0.2.1");
}

TEST_P(ApiReadCache, AFinishedScanIsKeptUntilAnotherWriterDeletesIt) {
  auto worker_store = store::open_store(api.database_url(), 1);
  const auto id = scanned("kept.test", *worker_store);
  const auto scan_target = "/api/v1/scans/" + std::to_string(id);
  ASSERT_TRUE(answered_from_cache(scan_target));

  ASSERT_TRUE(worker_store->delete_domain("kept.test"));
  if (sqlite()) {
    EXPECT_EQ(call("GET", scan_target).status, 404);
  } else {
    // PostgreSQL notifies the api process at the deleting commit: the reads after the
    // notification answer 404 (and without it, none ever would: nothing expires by age).
    EXPECT_TRUE(eventually([&] { return call("GET", scan_target).status == 404; }, 5s));
  }
}

TEST_P(ApiReadCache, AWriteThroughThisApiShowsInTheNextReadAtOnce) {
  auto worker_store = store::open_store(api.database_url(), 1);
  const auto id = scanned("mine.test", *worker_store);
  const auto scan_target = "/api/v1/scans/" + std::to_string(id);
  ASSERT_TRUE(answered_from_cache(scan_target));
  if (sqlite()) {
    ASSERT_TRUE(answered_from_cache("/api/v1/domains/mine.test"));
  }
  ASSERT_EQ(call("PUT", "/api/v1/domains/mine.test/schedule", R"({"cron": "0 3 * * *", "timezone": "UTC"})").status,
            200);
  EXPECT_EQ(get_json("/api/v1/domains/mine.test").at("schedule").at("cron"), "0 3 * * *");
  ASSERT_TRUE(answered_from_cache(scan_target));
  ASSERT_EQ(call("DELETE", "/api/v1/domains/mine.test").status, 204);
  EXPECT_EQ(call("GET", "/api/v1/domains/mine.test").status, 404);
  EXPECT_EQ(call("GET", scan_target).status, 404) << "the deleting api forgets at once, notification or not";
  ASSERT_EQ(call("POST", "/api/v1/domains/bulk", R"(["mine.test"])").status, 202);
  EXPECT_EQ(call("GET", "/api/v1/domains/mine.test").status, 200);
}

INSTANTIATE_TEST_SUITE_P(Backends, ApiReadCache, ::testing::Values(Backend::sqlite, Backend::postgres),
                         [](const auto& info) { return std::string(backend_name(info.param)); });

}  // namespace
}  // namespace domainscan::testing
