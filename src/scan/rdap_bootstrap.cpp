#include "scan/rdap_bootstrap.hpp"

#include "core/text.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <stdexcept>

namespace domainscan::scan {

namespace json = boost::json;

RdapBootstrap RdapBootstrap::parse(std::string_view text) {
  boost::system::error_code ec;
  const auto doc = json::parse(text, ec);
  if (ec || !doc.is_object() || !doc.as_object().contains("services") || !doc.at("services").is_array()) {
    throw std::invalid_argument("not an RDAP bootstrap file");
  }
  RdapBootstrap b;
  for (const auto& service : doc.at("services").as_array()) {
    if (!service.is_array() || service.as_array().size() < 2) continue;
    const auto& names = service.as_array()[0];
    const auto& urls = service.as_array()[1];
    if (!names.is_array() || !urls.is_array() || urls.as_array().empty()) continue;
    std::string chosen;
    for (const auto& u : urls.as_array()) {
      if (!u.is_string()) continue;
      const std::string url(u.as_string());
      if (chosen.empty() || (url.starts_with("https://") && !chosen.starts_with("https://"))) chosen = url;
    }
    if (chosen.empty()) continue;
    if (!chosen.ends_with('/')) chosen += '/';
    for (const auto& n : names.as_array()) {
      if (!n.is_string()) continue;
      b.by_suffix_[to_lower(n.as_string())] = chosen;
    }
  }
  return b;
}

const RdapBootstrap& RdapBootstrap::shipped() {
  static const RdapBootstrap bootstrap = parse(shipped_rdap_bootstrap());
  return bootstrap;
}

std::optional<std::string> RdapBootstrap::base_url_for(std::string_view domain) const {
  // example.co.uk: try "example.co.uk", "co.uk", "uk"; the longest entry wins.
  while (!domain.empty()) {
    if (const auto it = by_suffix_.find(std::string(domain)); it != by_suffix_.end()) return it->second;
    const auto dot = domain.find('.');
    if (dot == std::string_view::npos) break;
    domain.remove_prefix(dot + 1);
  }
  return std::nullopt;
}

}  // namespace domainscan::scan
