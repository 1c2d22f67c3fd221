#pragma once
// Store fixtures shared by the store and API tests.
#include "store/store.hpp"

namespace domainscan::testing {

// Runs one scan of `domain` (added if unknown) to completion with the given events and
// alerts; returns its id.
std::int64_t scan_with_events(store::Store& store, const std::string& domain, std::vector<store::NewEvent> events,
                              std::vector<store::ExpiryAlert> alerts = {});

}  // namespace domainscan::testing
