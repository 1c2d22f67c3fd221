#include "scan/rdap.hpp"

#include "core/time_format.hpp"
#include "scan/http_fetch.hpp"
#include "scan/target_address.hpp"

#include <boost/json.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>
#include <fmt/format.h>

namespace domainscan::scan {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

constexpr const char* kCheck = "rdap";

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

RdapCheck::RdapCheck(asio::any_io_executor executor, std::optional<std::string> rdap_url,
                     const RdapBootstrap& bootstrap)
    : executor_(std::move(executor)), rdap_url_(std::move(rdap_url)), bootstrap_(bootstrap) {}

asio::awaitable<CheckResult> RdapCheck::run(const ScanContext& ctx) {
  auto base = rdap_url_ ? rdap_url_ : bootstrap_.base_url_for(ctx.domain);
  if (!base) co_return check_skipped("no RDAP server is known for this domain's TLD");
  if (!base->ends_with('/')) *base += '/';
  const std::string text = fmt::format("{}domain/{}", *base, ctx.domain);
  auto parsed = boost::urls::parse_uri(text);
  if (!parsed) co_return check_error(fmt::format("bad RDAP URL {}", text), false);
  const boost::urls::url url(*parsed);  // owns its text
  const auto address = co_await target_address(ctx, url);
  if (const auto* why = std::get_if<std::string>(&address)) co_return check_skipped(*why);
  const auto res = co_await http_fetch(executor_, url, std::get<asio::ip::address>(address), ctx.timeout, kMaxBody);
  if (res.error) co_return check_error(fmt::format("RDAP {}: {}", text, *res.error), res.unreachable);

  CheckResult r;
  if (res.status == 404) {
    r.json = json::object{{"status", "ok"}, {"registered", false}, {"server", *base}};
    r.add_finding(kCheck, "rdap.not_found", "info", "the registry's RDAP server does not know the domain");
    co_return r;
  }
  if (res.status != 200) co_return check_error(fmt::format("RDAP {} answered HTTP {}", text, res.status), false);
  if (res.body_truncated) co_return check_error("the RDAP answer is larger than allowed", false);
  boost::system::error_code ec;
  const auto doc = json::parse(res.body, ec);
  if (ec || !doc.is_object()) co_return check_error("the RDAP answer is not JSON", false);

  r.json = summarize_rdap_domain(doc);
  r.json["status"] = "ok";
  r.json["registered"] = true;
  r.json["server"] = *base;
  if (const auto* expires = r.json.at("expires").if_string()) {
    if (const auto when = parse_rfc3339(*expires)) {
      const auto now = std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
      const auto days = std::chrono::floor<std::chrono::days>(*when - now).count();
      if (*when < now) {
        r.add_finding(kCheck, "rdap.expired", "critical", fmt::format("the registration expired on {}", *expires));
      } else if (days < kExpiryWarningDays) {
        r.add_finding(kCheck, "rdap.expiring", "high", fmt::format("the registration expires in {} days", days));
      }
    }
  }
  for (const auto& s : r.json.at("statuses").as_array()) {
    const auto status = std::string(s.as_string());
    if (status.find("hold") != std::string::npos) {
      r.add_finding(kCheck, "rdap.on_hold", "high", fmt::format("the domain is on hold ({}): it does not resolve", status));
    }
  }
  co_return r;
}

}  // namespace domainscan::scan
