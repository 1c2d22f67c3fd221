#include "scan/http_headers.hpp"

#include "core/text.hpp"

#include <charconv>

namespace domainscan::scan {

namespace json = boost::json;

json::object parse_hsts(std::string_view header) {
  json::object out{{"max_age", nullptr}, {"include_subdomains", false}, {"preload", false}};
  for_each_directive(header, [&](std::string_view name, std::optional<std::string_view> given) {
    auto value = given.value_or(std::string_view{});
    if (iequals(name, "max-age")) {
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
      long n = 0;
      const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
      if (ec == std::errc{} && end == value.data() + value.size()) out["max_age"] = n;
    } else if (iequals(name, "includeSubDomains")) {
      out["include_subdomains"] = true;
    } else if (iequals(name, "preload")) {
      out["preload"] = true;
    }
  });
  return out;
}

json::object parse_set_cookie(std::string_view header) {
  json::object out{{"name", ""}, {"secure", false}, {"http_only", false}, {"same_site", nullptr}};
  bool first = true;
  for_each_directive(header, [&](std::string_view name, std::optional<std::string_view> value) {
    if (first) {
      out["name"] = std::string(name);
      first = false;
    } else if (iequals(name, "secure")) {
      out["secure"] = true;
    } else if (iequals(name, "httponly")) {
      out["http_only"] = true;
    } else if (iequals(name, "samesite")) {
      out["same_site"] = std::string(value.value_or(std::string_view{}));
    }
  });
  return out;
}

}  // namespace domainscan::scan
