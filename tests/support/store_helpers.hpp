#pragma once
// Store fixtures shared by the store and API tests.
#include "store/store.hpp"

#include <string>
#include <vector>

namespace domainscan::testing {

// Runs one scan of `domain` (added if unknown) to completion with the given events and
// alerts; returns its id.
std::int64_t scan_with_events(store::Store& store, const std::string& domain, std::vector<store::NewEvent> events,
                              std::vector<store::ExpiryAlert> alerts = {});

// A scan result as the scanner writes it with only the DNS check run (--checks dns): the DNS
// check with every field it reports (docs/openapi.yaml's DnsCheck), the given A records and
// findings (a JSON array).
std::string dns_only_result(const std::vector<std::string>& a, const std::string& findings_json = "[]");

// Whether the scan's row holds a recorded confirm (published_at), read from the database
// directly: Store::take_unpublished_scans would take (lock and mark) the rows it looks at.
bool confirm_recorded(const std::string& db_url, std::int64_t scan_id);

}  // namespace domainscan::testing
