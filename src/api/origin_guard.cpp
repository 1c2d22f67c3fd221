#include "api/origin_guard.hpp"

#include "core/text.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/url/parse.hpp>
#include <fmt/format.h>

#include <algorithm>

namespace domainscan::api {
namespace {

// The host of a Host header value ("name:port", "[v6]:port", "1.2.3.4"), lower case,
// without brackets or a trailing dot.
std::string host_of(std::string_view authority) {
  std::string_view host = authority;
  if (host.starts_with('[')) {
    const auto close = host.find(']');
    host = host.substr(1, close == std::string_view::npos ? std::string_view::npos : close - 1);
  } else if (const auto colon = host.rfind(':'); colon != std::string_view::npos) {
    host = host.substr(0, colon);
  }
  while (host.ends_with('.')) host.remove_suffix(1);
  return to_lower(host);
}

bool is_ip_literal(const std::string& host) {
  boost::system::error_code ec;
  boost::asio::ip::make_address(host, ec);
  return !ec;
}

bool changes_state(http::verb method) {
  return method != http::verb::get && method != http::verb::head && method != http::verb::options;
}

// "scheme://host[:port]" in lower case, the form browsers send in Origin; nullopt when
// `text` is no http(s) URL with a host.
std::optional<std::string> origin_of(std::string_view text) {
  const auto url = boost::urls::parse_absolute_uri(text);
  if (!url || !url->has_authority() || url->host().empty()) return std::nullopt;
  const auto scheme = to_lower(url->scheme());
  if (scheme != "http" && scheme != "https") return std::nullopt;
  std::string origin = scheme + "://" + to_lower(url->encoded_host());
  // A browser leaves a scheme's own port out; so must the origins compared with it.
  const bool own_port = (scheme == "http" && url->port_number() == 80) || (scheme == "https" && url->port_number() == 443);
  if (url->has_port() && !own_port) origin += fmt::format(":{}", url->port_number());
  return origin;
}

Response cross_origin(std::string_view from) {
  return error_response(http::status::forbidden, "cross_origin",
                        fmt::format("a request that changes something, sent by a page of another origin ({}), is "
                                    "refused; use the API from its own dashboard, a client that is not a browser, "
                                    "or name the origin with --public-url",
                                    from));
}

}  // namespace

OriginRules OriginRules::from(const std::string& listen_host, const std::vector<std::string>& public_urls,
                              const std::string& machine_name) {
  OriginRules rules;
  if (const auto name = host_of(machine_name); !name.empty()) rules.host_names.push_back(name);
  const auto listen = host_of(listen_host.find(':') != std::string::npos ? "[" + listen_host + "]" : listen_host);
  if (!listen.empty() && !is_ip_literal(listen)) rules.host_names.push_back(listen);
  for (const auto& text : public_urls) {
    const auto url = boost::urls::parse_absolute_uri(text);
    if (!url) continue;  // settings validated them
    rules.host_names.push_back(host_of(url->encoded_host_and_port()));
    if (auto origin = origin_of(text)) rules.origins.push_back(std::move(*origin));
  }
  return rules;
}

OriginGuard::OriginGuard(OriginRules rules) : rules_(std::move(rules)) {}

bool OriginGuard::known_host(std::string_view host) const {
  if (host.empty() || is_ip_literal(std::string(host))) return true;
  // Browsers resolve localhost and its subdomains to loopback themselves (RFC 6761): no
  // attacker can point them elsewhere.
  if (host == "localhost" || host.ends_with(".localhost")) return true;
  return std::find(rules_.host_names.begin(), rules_.host_names.end(), host) != rules_.host_names.end();
}

std::optional<Response> OriginGuard::refuse(const Request& request, Access access) const {
  const auto host_field = request.find(http::field::host);
  // No Host at all: an HTTP/1.0 client, never a browser.
  const auto host = host_field == request.end() ? std::string() : host_of(trim(host_field->value()));
  if (access != Access::open && access != Access::metrics && !known_host(host)) {
    return error_response(http::status::misdirected_request, "misdirected_request",
                          fmt::format("this server does not answer for the host name '{}': reach it by its address, "
                                      "its machine's name, localhost, or a name given with --public-url",
                                      host.substr(0, 253)));
  }
  if (!changes_state(request.method())) return std::nullopt;

  // Sent by every current browser: same-origin from the dashboard, none when typed in.
  if (const auto site = request.find("Sec-Fetch-Site"); site != request.end()) {
    const auto value = to_lower(trim(site->value()));
    if (value != "same-origin" && value != "none") return cross_origin(value);
  }
  const auto origin_field = request.find(http::field::origin);
  if (origin_field == request.end()) return std::nullopt;
  const auto sent = trim(origin_field->value());
  const auto origin = origin_of(sent);
  if (!origin) return cross_origin(sent);  // "null": a sandboxed frame, a file, a redirect
  const auto authority = host_field == request.end() ? std::string() : to_lower(trim(host_field->value()));
  const auto scheme_end = origin->find("://");
  if (!authority.empty() && origin->substr(scheme_end + 3) == authority) return std::nullopt;
  if (std::find(rules_.origins.begin(), rules_.origins.end(), *origin) != rules_.origins.end()) return std::nullopt;
  return cross_origin(*origin);
}

}  // namespace domainscan::api
