#include "support/store_helpers.hpp"

#include <boost/json.hpp>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <pqxx/pqxx>
#include <sqlite3.h>

#include <memory>

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
  sqlite3* raw_db = nullptr;
  const int opened = sqlite3_open_v2(db_url.substr(7).c_str(), &raw_db, SQLITE_OPEN_READONLY, nullptr);
  const std::unique_ptr<sqlite3, decltype(&sqlite3_close)> db(raw_db, &sqlite3_close);  // even when open failed
  EXPECT_EQ(opened, SQLITE_OK);
  sqlite3_stmt* raw_st = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db.get(), sql.c_str(), -1, &raw_st, nullptr), SQLITE_OK);
  const std::unique_ptr<sqlite3_stmt, decltype(&sqlite3_finalize)> st(raw_st, &sqlite3_finalize);
  EXPECT_EQ(sqlite3_step(st.get()), SQLITE_ROW);
  return sqlite3_column_int(st.get(), 0) != 0;
}

}  // namespace domainscan::testing
