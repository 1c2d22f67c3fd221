#include "api/router.hpp"

#include "core/errors.hpp"

#include <boost/url/parse.hpp>
#include <spdlog/spdlog.h>

namespace domainscan::api {
namespace {

std::vector<std::string> split_pattern(const std::string& pattern) {
  std::vector<std::string> out;
  std::size_t start = 1;
  while (start <= pattern.size()) {
    const auto slash = pattern.find('/', start);
    out.push_back(pattern.substr(start, slash == std::string::npos ? std::string::npos : slash - start));
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return out;
}

bool match(const std::vector<std::string>& pattern, const std::vector<std::string>& segments,
           std::map<std::string, std::string>& captured) {
  if (pattern.size() != segments.size()) return false;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    const auto& p = pattern[i];
    if (p.size() > 2 && p.front() == '{' && p.back() == '}') {
      if (segments[i].empty()) return false;
      captured[p.substr(1, p.size() - 2)] = segments[i];
    } else if (p != segments[i]) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::optional<std::string> RouteRequest::query_param(const std::string& name) const {
  auto it = query.find(name);
  if (it == query.end()) return std::nullopt;
  return it->second;
}

std::string_view to_string(Access access) {
  switch (access) {
    case Access::open: return "open";
    case Access::metrics: return "metrics";
    case Access::read: return "read";
    case Access::write: return "write";
    case Access::admin: return "admin";
  }
  return "admin";
}

void Router::add(http::verb method, std::string pattern, Access access, RouteHandler handler, Cost cost,
                 std::size_t max_body) {
  auto segments = split_pattern(pattern);
  routes_.push_back({method, std::move(pattern), std::move(segments), access, std::move(handler), cost, max_body});
}

const Router::Route* Router::find(http::verb method, const std::vector<std::string>& segments,
                                  std::map<std::string, std::string>& captured, std::string& allowed) const {
  for (const auto& r : routes_) {
    std::map<std::string, std::string> found;
    if (!match(r.segments, segments, found)) continue;
    if (r.method == method) {
      captured = std::move(found);
      return &r;
    }
    if (!allowed.empty()) allowed += ", ";
    allowed += std::string(http::to_string(r.method));
  }
  return nullptr;
}

namespace {

std::vector<std::string> segments_of(const boost::urls::url_view& target) {
  std::vector<std::string> segments;
  for (auto seg : target.segments()) segments.emplace_back(seg);
  if (segments.empty()) segments.emplace_back();  // "/" is one empty segment, as in split_pattern
  return segments;
}

}  // namespace

std::size_t Router::body_limit(http::verb method, std::string_view target, std::size_t fallback) const {
  const auto parsed = boost::urls::parse_origin_form(target);
  if (!parsed) return fallback;
  std::map<std::string, std::string> captured;
  std::string allowed;
  const auto* route = find(method, segments_of(*parsed), captured, allowed);
  return route && route->max_body > 0 ? route->max_body : fallback;
}

std::size_t Router::largest_body(std::size_t fallback) const {
  std::size_t largest = fallback;
  for (const auto& r : routes_) largest = std::max(largest, r.max_body);
  return largest;
}

std::vector<RouteInfo> Router::routes() const {
  std::vector<RouteInfo> out;
  for (const auto& r : routes_) out.push_back({r.method, r.pattern, r.access});
  return out;
}

boost::asio::awaitable<Response> Router::dispatch(const Request& request, std::string& route,
                                                  boost::asio::ip::address client) const {
  route = "unmatched";
  auto target = boost::urls::parse_origin_form(request.target());
  if (!target) co_return error_response(http::status::bad_request, "bad_request", "the request target is not a valid path");

  RouteRequest rr{request, {}, {}, {}};
  std::string allowed;
  const Route* found = find(request.method(), segments_of(*target), rr.path, allowed);
  if (found == nullptr) {
    if (allowed.empty()) co_return error_response(http::status::not_found, "not_found", "no such route");
    route = "method_not_allowed";
    auto res = error_response(http::status::method_not_allowed, "method_not_allowed",
                              std::string(request.method_string()) + " is not allowed here; allowed: " + allowed);
    res.set(http::field::allow, allowed);
    co_return res;
  }

  route = found->pattern;
  for (auto param : target->params()) rr.query[std::string(param.key)] = std::string(param.value);
  try {
    if (gate_) {
      const GateContext context{found->access, found->cost, client};
      auto decision = co_await gate_(request, context);
      if (decision.denied) co_return std::move(*decision.denied);
      rr.charge_scans = std::move(decision.charge_scans);
    }
    co_return co_await found->handler(rr);
  } catch (const HttpError& e) {
    co_return error_response(e.status(), e.code(), e.what());
  } catch (const ValidationError& e) {
    co_return error_response(http::status::bad_request, e.code(), e.what());
  } catch (const UnavailableError& e) {
    spdlog::warn("api: {} {}: dependency unavailable: {}", request.method_string(), found->pattern, e.what());
    co_return error_response(http::status::service_unavailable, "unavailable",
                             "a dependency is unavailable; try again shortly");
  } catch (const std::exception& e) {
    spdlog::error("api: {} {} failed: {}", request.method_string(), found->pattern, e.what());
    co_return error_response(http::status::internal_server_error, "internal", "internal error");
  }
}

}  // namespace domainscan::api
