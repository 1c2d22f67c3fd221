#include "support/store_helpers.hpp"

#include <boost/json.hpp>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <pqxx/pqxx>
#include <sqlite3.h>

namespace domainscan::testing {

std::int64_t scan_with_events(store::Store& store, const std::string& domain, std::vector<store::NewEvent> events,
                              std::vector<store::ExpiryAlert> alerts) {
  auto queued = store.queue_scan(domain, store::ScanTrigger::rescan);
  if (!queued) {
    queued = store::QueueScanResult{store.add_domain(domain, std::nullopt, store::ScanTrigger::api).scan_id, true};
  }
  EXPECT_TRUE(store.claim_scan(queued->scan_id));
  store::ScanCompletion done;
  done.scan_id = queued->scan_id;
  done.result_json = R"({"checks":{},"findings":[]})";
  done.events = std::move(events);
  done.alerts = std::move(alerts);
  EXPECT_TRUE(store.complete_scan(done));
  return queued->scan_id;
}

std::string dns_only_result(const std::vector<std::string>& a, const std::string& findings_json) {
  boost::json::array addresses;
  for (const auto& address : a) addresses.emplace_back(address);
  const boost::json::object dns{{"status", "ok"}, {"a", std::move(addresses)}, {"aaaa", boost::json::array{}},
                                {"ns", boost::json::array{}}, {"mx", boost::json::array{}}, {"txt", boost::json::array{}},
                                {"caa", boost::json::array{}}, {"soa", boost::json::object{}},
                                {"cname", boost::json::array{}}, {"dnssec", "insecure"}};
  return "{\"checks\":{\"dns\":" + boost::json::serialize(dns) + "},\"findings\":" + findings_json + "}";
}

bool confirm_recorded(const std::string& db_url, std::int64_t scan_id) {
  const auto sql = fmt::format("SELECT published_at IS NOT NULL FROM scans WHERE id = {}", scan_id);
  if (!db_url.starts_with("sqlite:")) {
    pqxx::connection conn(db_url);
    pqxx::nontransaction tx(conn);
    return tx.exec(sql)[0][0].as<bool>();
  }
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open_v2(db_url.substr(7).c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr), SQLITE_OK);
  EXPECT_EQ(sqlite3_step(st), SQLITE_ROW);
  const bool recorded = sqlite3_column_int(st, 0) != 0;
  sqlite3_finalize(st);
  sqlite3_close(db);
  return recorded;
}

}  // namespace domainscan::testing
