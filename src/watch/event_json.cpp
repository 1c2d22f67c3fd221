#include "watch/event_json.hpp"

#include "core/time_format.hpp"

#include <boost/json/parse.hpp>

namespace domainscan::watch {

namespace json = boost::json;

namespace {
template <typename T>
json::value or_null(const std::optional<T>& v) {
  return v ? json::value(*v) : json::value(nullptr);
}
}  // namespace

json::object event_json(const store::Event& event) {
  boost::system::error_code ec;
  auto data = json::parse(event.data_json, ec);
  return json::object{{"id", event.id()},
                      {"type", event.type},
                      {"domain", event.domain},
                      {"created_at", to_rfc3339(event.created_at)},
                      {"scan_id", or_null(event.scan_id)},
                      {"previous_scan_id", or_null(event.previous_scan_id)},
                      {"data", ec ? json::value(json::object{}) : std::move(data)}};
}

}  // namespace domainscan::watch
