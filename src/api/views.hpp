#pragma once
// The JSON bodies of ARCHITECTURE.md: domains, scans (full or summary), events, pages.
#include "store/model.hpp"
#include "store/webhook_model.hpp"

#include <boost/json/object.hpp>

namespace domainscan::api {

// A scan; with `full`, its "checks" and "findings" from the stored result.
boost::json::object scan_view(const store::Scan& scan, bool full);
// A domain; last_scan is the full scan when given, else the summary the domain carries.
boost::json::object domain_view(const store::Domain& domain, const std::optional<store::Scan>& full_last_scan = {});
// The list envelope every list route answers with: {"items": [...], "next_cursor"}.
// A webhook without its secret (shown only when it is created).
boost::json::object webhook_view(const store::Webhook& webhook);
// A delivery: {"id", "event_id", "event_type", "status", "attempts", ..., "next_attempt_at"}.
boost::json::object delivery_view(const store::Delivery& delivery);
boost::json::object list_envelope(boost::json::array items, const std::optional<std::string>& next_cursor);

}  // namespace domainscan::api
