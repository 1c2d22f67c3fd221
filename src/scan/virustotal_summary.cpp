#include "scan/virustotal_summary.hpp"

#include "core/time_format.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cstdint>
#include <set>
#include <stdexcept>
#include <string>

namespace domainscan::scan {

namespace json = boost::json;

std::int64_t vt_count(const json::object& stats, const char* key) {
  const auto* v = stats.if_contains(key);
  if (!v) return 0;
  if (v->is_int64()) return v->as_int64();
  // Past the int64 range (no real count is): the largest, not a negative number.
  if (v->is_uint64()) return static_cast<std::int64_t>(std::min<std::uint64_t>(v->as_uint64(), INT64_MAX));
  return 0;  // a string, a fraction, null: no count
}

json::object summarize_virustotal_domain(const json::value& answer) {
  const auto* data = answer.is_object() ? answer.as_object().if_contains("data") : nullptr;
  const auto* attributes = data && data->is_object() ? data->as_object().if_contains("attributes") : nullptr;
  if (!attributes || !attributes->is_object()) throw std::invalid_argument("the answer has no data.attributes");
  const auto& a = attributes->as_object();

  json::object out{{"source", "virustotal"}, {"known", true}};
  const json::object no_stats;
  const auto* stats_value = a.if_contains("last_analysis_stats");
  const auto& stats = stats_value && stats_value->is_object() ? stats_value->as_object() : no_stats;
  for (const char* key : {"malicious", "suspicious", "harmless", "undetected"}) out[key] = vt_count(stats, key);
  out["reputation"] = vt_count(a, "reputation");
  // Each vendor names a category; the distinct names, sorted, are what a reader wants.
  std::set<std::string> categories;
  if (const auto* c = a.if_contains("categories"); c && c->is_object()) {
    for (const auto& [vendor, category] : c->as_object()) {
      if (category.is_string()) categories.emplace(category.as_string());
    }
  }
  json::array list;
  for (const auto& c : categories) list.emplace_back(c);
  out["categories"] = std::move(list);
  out["last_analysis_date"] = nullptr;
  // Unix seconds; a value outside years 1970-9999 is no date (and would overflow the
  // conversion to milliseconds: found by fuzzing).
  constexpr std::int64_t kLastSecondOf9999 = 253'402'300'799;
  if (const auto* d = a.if_contains("last_analysis_date");
      d && d->is_int64() && d->as_int64() >= 0 && d->as_int64() <= kLastSecondOf9999) {
    out["last_analysis_date"] = to_rfc3339(TimePoint(std::chrono::seconds(d->as_int64())));
  }
  return out;
}

}  // namespace domainscan::scan
