#pragma once
// Matches a request to a route by method and path. Paths are split into percent-decoded
// segments (Boost.URL), and a pattern segment "{name}" captures one segment, so an encoded
// "../" inside a segment stays one segment and never walks the path. No match: 404; a path
// that matches with another method: 405 with Allow.
#include "api/access.hpp"
#include "api/http_types.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/url/params_view.hpp>

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace domainscan::api {

// A route that queues more than one scan (a bulk submission) charges the client's scan
// budget for the rest once it knows how many it queued (api/request_gate.hpp).
using ScanCharge = std::function<void(std::size_t scans)>;

struct RouteRequest {
  const Request& request;
  std::map<std::string, std::string> path;  // captured {name} segments, decoded
  std::map<std::string, std::string> query;  // query parameters, decoded (last one wins)
  ScanCharge charge_scans;                   // set for Cost::scan routes when a gate limits scans

  std::optional<std::string> query_param(const std::string& name) const;
  // Charges `scans` beyond the one the request itself cost.
  void charge_more_scans(std::size_t scans) const {
    if (charge_scans && scans > 0) charge_scans(scans);
  }
};

using RouteHandler = std::function<boost::asio::awaitable<Response>(const RouteRequest&)>;
// Decides whether a request may reach its route: no `denied` lets it through; a response
// (401, 403, 429) is the answer instead (api/request_gate.hpp).
struct GateContext {
  Access access = Access::open;
  Cost cost = Cost::request;
  boost::asio::ip::address client;  // the peer's address
};
struct GateDecision {
  std::optional<Response> denied;
  ScanCharge charge_scans;  // handed to the handler (RouteRequest::charge_scans)
};
using RouteGate = std::function<boost::asio::awaitable<GateDecision>(const Request&, const GateContext&)>;

// A route as the router holds it, for the table of decisions (tests) and documentation.
struct RouteInfo {
  http::verb method;
  std::string pattern;
  Access access;
};

class Router {
 public:
  // pattern: "/api/v1/domains/{domain}". The pattern is also the route's metrics label.
  // access: what a client needs to be let through to it (every route decides).
  // cost: Cost::scan for a route that queues scans (the scan rate limit applies).
  // max_body: the largest body the route takes, when it needs more than the server's limit.
  void add(http::verb method, std::string pattern, Access access, RouteHandler handler, Cost cost = Cost::request,
           std::size_t max_body = 0);
  // Asked before each matched route's handler (none: every request goes through).
  void set_gate(RouteGate gate) { gate_ = std::move(gate); }
  std::vector<RouteInfo> routes() const;
  // The largest body the route of this request takes: its own max_body, else fallback
  // (also for a request no route matches). largest_body(): of all routes, at least fallback.
  std::size_t body_limit(http::verb method, std::string_view target, std::size_t fallback) const;
  std::size_t largest_body(std::size_t fallback) const;

  // Answers the request; route is set to the matched pattern (or "unmatched").
  // Never throws: handler errors become JSON error responses.
  boost::asio::awaitable<Response> dispatch(const Request& request, std::string& route,
                                            boost::asio::ip::address client = {}) const;

 private:
  struct Route {
    http::verb method;
    std::string pattern;
    std::vector<std::string> segments;
    Access access;
    RouteHandler handler;
    Cost cost;
    std::size_t max_body;
  };
  const Route* find(http::verb method, const std::vector<std::string>& segments,
                    std::map<std::string, std::string>& captured, std::string& allowed) const;
  std::vector<Route> routes_;
  RouteGate gate_;
};

}  // namespace domainscan::api
