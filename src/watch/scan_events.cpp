#include "watch/scan_events.hpp"

#include "watch/expiry.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace domainscan::watch {

namespace json = boost::json;

namespace {

json::value text_or_null(const std::optional<std::string>& v) { return v ? json::value(*v) : json::value(nullptr); }

}  // namespace

ScanSide side_of(const store::Scan& scan) {
  ScanSide side{scan.grade, scan.score, {}};
  boost::system::error_code ec;
  auto result = json::parse(scan.result_json, ec);
  if (!ec && result.is_object()) side.result = std::move(result.as_object());
  return side;
}

ScanEvents events_for_scan(const ScanFacts& facts, TimePoint now, const std::vector<int>& expiry_thresholds,
                           const std::vector<store::ExpiryAlert>& sent_alerts) {
  ScanEvents out;
  const std::optional<std::int64_t> previous_id =
      facts.previous ? std::optional<std::int64_t>(facts.previous->id) : std::nullopt;

  if (facts.previous) {
    const auto diff = diff_scans(side_of(*facts.previous), facts.now);
    if (diff.changed) out.events.push_back({"domain.changed", previous_id, json::serialize(diff.data), std::nullopt});
  }
  const bool bad_before = facts.status_before == store::DomainStatus::bad;
  const bool bad_after = facts.status_after == store::DomainStatus::bad;
  if (bad_after && !bad_before) {
    out.events.push_back({"domain.bad", previous_id,
                          json::serialize(json::object{{"bad_reason", text_or_null(facts.bad_reason_after)},
                                                       {"status_before", store::to_string(facts.status_before)}}),
                          std::nullopt});
  } else if (bad_before && facts.status_after == store::DomainStatus::ok) {
    out.events.push_back({"domain.recovered", previous_id,
                          json::serialize(json::object{{"bad_reason_before", text_or_null(facts.bad_reason_before)}}),
                          std::nullopt});
  }
  for (auto& e : expiry_events(facts.now.result, now, expiry_thresholds, sent_alerts)) {
    e.event.previous_scan_id = previous_id;
    out.events.push_back(std::move(e.event));
    out.alerts.insert(out.alerts.end(), e.crossed.begin(), e.crossed.end());
  }
  return out;
}

}  // namespace domainscan::watch
