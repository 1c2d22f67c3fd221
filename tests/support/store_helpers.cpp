#include "support/store_helpers.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

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

}  // namespace domainscan::testing
