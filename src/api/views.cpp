#include "api/views.hpp"

#include "core/time_format.hpp"

#include <boost/json/parse.hpp>

namespace domainscan::api {
namespace {

namespace json = boost::json;

json::value time_or_null(const std::optional<TimePoint>& t) {
  return t ? json::value(to_rfc3339(*t)) : json::value(nullptr);
}

template <typename T>
json::value or_null(const std::optional<T>& v) {
  return v ? json::value(*v) : json::value(nullptr);
}

}  // namespace

json::object scan_view(const store::Scan& scan, bool full) {
  json::object o{{"id", scan.id},
                 {"domain", scan.domain},
                 {"status", to_string(scan.status)},
                 {"trigger", to_string(scan.trigger)},
                 {"queued_at", to_rfc3339(scan.queued_at)},
                 {"started_at", time_or_null(scan.started_at)},
                 {"finished_at", time_or_null(scan.finished_at)},
                 {"grade", or_null(scan.grade)},
                 {"score", or_null(scan.score)},
                 {"grade_reason", or_null(scan.grade_reason)}};
  if (scan.error) o["error"] = *scan.error;
  if (full) {
    json::object checks;
    json::array findings;
    if (!scan.result_json.empty()) {
      boost::system::error_code ec;
      auto result = json::parse(scan.result_json, ec);
      if (!ec && result.is_object()) {
        if (auto* c = result.as_object().if_contains("checks"); c && c->is_object()) checks = c->as_object();
        if (auto* f = result.as_object().if_contains("findings"); f && f->is_array()) findings = f->as_array();
      }
    }
    o["checks"] = std::move(checks);
    o["findings"] = std::move(findings);
  }
  return o;
}

json::object domain_view(const store::Domain& domain, const std::optional<store::Scan>& full_last_scan) {
  json::object o{{"domain", domain.name},
                 {"status", to_string(domain.status)},
                 {"bad_reason", or_null(domain.bad_reason)},
                 {"created_at", to_rfc3339(domain.created_at)}};
  if (domain.schedule) {
    o["schedule"] = {{"cron", domain.schedule->cron},
                     {"timezone", domain.schedule->timezone},
                     {"next_run_at", time_or_null(domain.schedule->next_run_at)}};
  } else {
    o["schedule"] = nullptr;
  }
  if (full_last_scan) {
    o["last_scan"] = scan_view(*full_last_scan, true);
  } else if (domain.last_scan) {
    o["last_scan"] = scan_view(*domain.last_scan, false);
  } else {
    o["last_scan"] = nullptr;
  }
  return o;
}

json::object list_envelope(json::array items, const std::optional<std::string>& next_cursor) {
  return json::object{{"items", std::move(items)}, {"next_cursor", or_null(next_cursor)}};
}

json::object webhook_view(const store::Webhook& w) {
  json::array events, domains;
  for (const auto& e : w.events) events.push_back(json::value(e));
  for (const auto& d : w.domains) domains.push_back(json::value(d));
  return json::object{{"id", w.public_id()},
                      {"url", w.url},
                      {"events", std::move(events)},
                      {"domains", std::move(domains)},
                      {"created_at", to_rfc3339(w.created_at)},
                      {"disabled_at", time_or_null(w.disabled_at)},
                      {"disabled_reason", or_null(w.disabled_reason)}};
}

json::object delivery_view(const store::Delivery& d) {
  return json::object{
      {"id", d.id},
      {"event_id", "evt_" + std::to_string(d.event_seq)},
      {"event_type", d.event_type},
      {"status", to_string(d.status)},
      {"attempts", d.attempts},
      {"created_at", to_rfc3339(d.created_at)},
      {"next_attempt_at", time_or_null(d.next_attempt_at)},
      {"last_attempt_at", time_or_null(d.last_attempt_at)},
      {"last_status_code", or_null(d.last_status_code)},
      {"last_error", or_null(d.last_error)},
      {"delivered_at", time_or_null(d.delivered_at)}};
}

}  // namespace domainscan::api
