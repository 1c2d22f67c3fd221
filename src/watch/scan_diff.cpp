#include "watch/scan_diff.hpp"

#include <boost/json/serialize.hpp>

#include <algorithm>
#include <set>
#include <vector>

namespace domainscan::watch {

namespace json = boost::json;

namespace {

// A field of a check worth watching: where it is in the check's section, and whether its
// value is a set (records come back in any order).
struct Field {
  const char* check;
  const char* name;  // as reported in "changes"
  std::vector<const char*> path;
  bool is_set = false;
};

const std::vector<Field>& watched_fields() {
  static const std::vector<Field> fields = {
      {"dns", "a", {"a"}, true},
      {"dns", "aaaa", {"aaaa"}, true},
      {"dns", "ns", {"ns"}, true},
      {"dns", "mx", {"mx"}, true},
      {"dns", "dnssec", {"dnssec"}},
      {"tls", "certificate.fingerprint_sha256", {"certificate", "fingerprint_sha256"}},
      {"tls", "certificate.issuer", {"certificate", "issuer"}},
      {"tls", "certificate.not_after", {"certificate", "not_after"}},
      {"tls", "protocols", {"protocols"}},
      {"http", "final_url", {"final_url"}},
      {"http", "redirects_to_https", {"redirects_to_https"}},
      {"http", "hsts.present", {"hsts", "present"}},
      {"http", "hsts.max_age", {"hsts", "max_age"}},
      {"http", "hsts.include_subdomains", {"hsts", "include_subdomains"}},
      {"http", "hsts.preload", {"hsts", "preload"}},
      {"email", "spf.record", {"spf", "record"}},
      {"email", "dmarc.policy", {"dmarc", "policy"}},
      {"email", "mta_sts.mode", {"mta_sts", "policy", "mode"}},
      {"rdap", "registered", {"registered"}},
      {"rdap", "registrar", {"registrar"}},
      {"rdap", "expires", {"expires"}},
      {"rdap", "statuses", {"statuses"}, true},
      // Verdicts that say something is wrong. The harmless and undetected counts move with
      // every vendor's re-analysis: watching them would be noise.
      {"reputation", "malicious", {"malicious"}},
      {"reputation", "suspicious", {"suspicious"}},
  };
  return fields;
}

const json::object* section(const json::object& result, const char* check) {
  const auto* checks = result.if_contains("checks");
  if (!checks || !checks->is_object()) return nullptr;
  const auto* c = checks->as_object().if_contains(check);
  return c && c->is_object() ? &c->as_object() : nullptr;
}

std::string status_of(const json::object* check) {
  if (!check) return "absent";
  const auto* s = check->if_contains("status");
  return s && s->is_string() ? std::string(s->as_string()) : "absent";
}

json::value value_at(const json::object& check, const Field& field) {
  const json::value* v = nullptr;
  const json::object* at = &check;
  for (const char* key : field.path) {
    if (!at) return nullptr;
    v = at->if_contains(key);
    if (!v) return nullptr;
    at = v->is_object() ? &v->as_object() : nullptr;
  }
  if (!v) return nullptr;
  if (field.is_set && v->is_array()) {
    // The same records in another order are the same set.
    std::vector<json::value> items(v->as_array().begin(), v->as_array().end());
    std::sort(items.begin(), items.end(),
              [](const json::value& x, const json::value& y) { return json::serialize(x) < json::serialize(y); });
    return json::array(items.begin(), items.end());
  }
  return *v;
}

// The findings by id, each id once (a finding may repeat, e.g. one per cookie).
std::vector<const json::object*> findings_of(const json::object& result) {
  std::vector<const json::object*> out;
  std::set<std::string> seen;
  const auto* findings = result.if_contains("findings");
  if (!findings || !findings->is_array()) return out;
  for (const auto& f : findings->as_array()) {
    if (!f.is_object()) continue;
    const auto* id = f.as_object().if_contains("id");
    if (!id || !id->is_string()) continue;
    if (seen.insert(std::string(id->as_string())).second) out.push_back(&f.as_object());
  }
  return out;
}

// The findings of `from` whose id `other` does not have.
json::array missing_from(const std::vector<const json::object*>& from, const std::vector<const json::object*>& other) {
  std::set<std::string> ids;
  for (const auto* f : other) ids.insert(std::string(f->at("id").as_string()));
  json::array out;
  for (const auto* f : from) {
    if (!ids.contains(std::string(f->at("id").as_string()))) out.push_back(*f);
  }
  return out;
}

template <typename T>
json::value or_null(const std::optional<T>& v) {
  return v ? json::value(*v) : json::value(nullptr);
}

}  // namespace

ScanDiff diff_scans(const ScanSide& before, const ScanSide& after) {
  ScanDiff out;
  json::array changes;
  std::set<std::string> checks;
  for (const auto* result : {&before.result, &after.result}) {
    if (const auto* c = result->if_contains("checks"); c && c->is_object()) {
      for (const auto& [name, section] : c->as_object()) checks.insert(std::string(name));
    }
  }
  for (const auto& name : checks) {
    const auto* b = section(before.result, name.c_str());
    const auto* a = section(after.result, name.c_str());
    const auto status_before = status_of(b), status_after = status_of(a);
    if (status_before != status_after) {
      changes.push_back(json::object{{"check", name}, {"field", "status"}, {"before", status_before},
                                     {"after", status_after}});
      continue;
    }
    // Fields are compared only where both scans saw them: what a check that could not run
    // would have said is unknown, not changed.
    if (status_before != "ok") continue;
    for (const auto& field : watched_fields()) {
      if (name != field.check) continue;
      auto vb = value_at(*b, field), va = value_at(*a, field);
      if (vb != va) {
        changes.push_back(
            json::object{{"check", name}, {"field", field.name}, {"before", std::move(vb)}, {"after", std::move(va)}});
      }
    }
  }
  const auto findings_before = findings_of(before.result), findings_after = findings_of(after.result);
  auto appeared = missing_from(findings_after, findings_before);
  auto resolved = missing_from(findings_before, findings_after);

  out.changed = before.grade != after.grade || before.score != after.score || !changes.empty() ||
                !appeared.empty() || !resolved.empty();
  out.data = json::object{{"grade", json::object{{"before", or_null(before.grade)}, {"after", or_null(after.grade)}}},
                          {"score", json::object{{"before", or_null(before.score)}, {"after", or_null(after.score)}}},
                          {"changes", std::move(changes)},
                          {"new_findings", std::move(appeared)},
                          {"resolved_findings", std::move(resolved)}};
  return out;
}

}  // namespace domainscan::watch
