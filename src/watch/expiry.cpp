#include "watch/expiry.hpp"

#include "core/time_format.hpp"

#include <boost/json/serialize.hpp>

#include <algorithm>

namespace domainscan::watch {

namespace json = boost::json;

namespace {

// What expires, where the scan says when.
struct Expiring {
  const char* kind;
  const char* event_type;
  const char* check;
  std::vector<const char*> path;
  const char* data_key;  // the date's name in the event's data
};

const Expiring kExpiring[] = {
    {"certificate", "certificate.expiring", "tls", {"certificate", "not_after"}, "not_after"},
    {"registration", "registration.expiring", "rdap", {"expires"}, "expires"},
};

const json::string* date_of(const json::object& result, const Expiring& what) {
  const auto* checks = result.if_contains("checks");
  if (!checks || !checks->is_object()) return nullptr;
  const auto* c = checks->as_object().if_contains(what.check);
  if (!c || !c->is_object() || c->as_object().if_contains("status") == nullptr ||
      c->as_object().at("status") != "ok") {
    return nullptr;
  }
  const json::value* v = c;
  for (const char* key : what.path) {
    if (!v->is_object()) return nullptr;
    v = v->as_object().if_contains(key);
    if (!v) return nullptr;
  }
  return v->if_string();
}

}  // namespace

std::vector<ExpiryEvent> expiry_events(const json::object& result, TimePoint now, const std::vector<int>& thresholds,
                                       const std::vector<store::ExpiryAlert>& sent) {
  std::vector<ExpiryEvent> out;
  for (const auto& what : kExpiring) {
    const auto* date = date_of(result, what);
    if (!date) continue;
    const auto when = parse_rfc3339(std::string(*date));
    if (!when) continue;
    const auto days_left = std::chrono::floor<std::chrono::days>(*when - now).count();
    ExpiryEvent e;
    int most_urgent = 0;
    bool new_crossing = false;
    for (const int threshold : thresholds) {
      if (days_left > threshold) continue;
      store::ExpiryAlert alert{what.kind, std::string(*date), threshold};
      new_crossing |= std::find(sent.begin(), sent.end(), alert) == sent.end();
      if (e.crossed.empty() || threshold < most_urgent) most_urgent = threshold;
      e.crossed.push_back(std::move(alert));
    }
    if (!new_crossing) continue;
    e.event.type = what.event_type;
    e.event.data_json = json::serialize(
        json::object{{what.data_key, *date}, {"days_left", days_left}, {"threshold", most_urgent}});
    e.event.once = store::ExpiryAlert{what.kind, std::string(*date), most_urgent};
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace domainscan::watch
