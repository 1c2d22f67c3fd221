#include "scan/rdap_summary.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <optional>
#include <string>

namespace domainscan::scan {

namespace json = boost::json;

namespace {

const json::value* find(const json::value& v, const char* key) {
  return v.is_object() ? v.as_object().if_contains(key) : nullptr;
}

// The "fn" (formatted name) of an entity's jCard: ["vcard", [["fn", {}, "text", "Name"], ...]].
std::optional<std::string> vcard_name(const json::value& entity) {
  const auto* card = find(entity, "vcardArray");
  if (!card || !card->is_array() || card->as_array().size() < 2 || !card->as_array()[1].is_array()) return std::nullopt;
  for (const auto& prop : card->as_array()[1].as_array()) {
    if (prop.is_array() && prop.as_array().size() >= 4 && prop.as_array()[0] == "fn" && prop.as_array()[3].is_string()) {
      return std::string(prop.as_array()[3].as_string());
    }
  }
  return std::nullopt;
}

}  // namespace

json::object summarize_rdap_domain(const json::value& d) {
  json::object out{{"registrar", nullptr}, {"created", nullptr}, {"expires", nullptr},
                   {"statuses", json::array{}}, {"nameservers", json::array{}}};
  if (const auto* entities = find(d, "entities"); entities && entities->is_array()) {
    for (const auto& e : entities->as_array()) {
      const auto* roles = find(e, "roles");
      if (!roles || !roles->is_array()) continue;
      const bool registrar = std::any_of(roles->as_array().begin(), roles->as_array().end(),
                                         [](const json::value& r) { return r == "registrar"; });
      if (!registrar) continue;
      if (auto n = vcard_name(e)) out["registrar"] = *n;
      else if (const auto* h = find(e, "handle"); h && h->is_string()) out["registrar"] = h->as_string();
      break;
    }
  }
  if (const auto* events = find(d, "events"); events && events->is_array()) {
    for (const auto& ev : events->as_array()) {
      const auto* action = find(ev, "eventAction");
      const auto* date = find(ev, "eventDate");
      if (!action || !date || !date->is_string()) continue;
      if (*action == "registration") out["created"] = date->as_string();
      if (*action == "expiration") out["expires"] = date->as_string();
    }
  }
  if (const auto* statuses = find(d, "status"); statuses && statuses->is_array()) {
    for (const auto& s : statuses->as_array()) {
      if (s.is_string()) out["statuses"].as_array().push_back(s);
    }
  }
  if (const auto* ns = find(d, "nameservers"); ns && ns->is_array()) {
    for (const auto& n : ns->as_array()) {
      if (const auto* name = find(n, "ldhName"); name && name->is_string()) {
        out["nameservers"].as_array().push_back(name->as_string());
      }
    }
  }
  return out;
}

}  // namespace domainscan::scan
