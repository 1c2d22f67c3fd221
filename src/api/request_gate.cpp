#include "api/request_gate.hpp"

#include <fmt/format.h>

#include <cmath>

namespace domainscan::api {

namespace {

Response too_many(const char* name, const RateLimit& limit, const RateLimiter::Decision& d) {
  auto res = error_response(
      http::status::too_many_requests, "rate_limited",
      fmt::format("too many {}: this client may make {} a second (bursts of {}); try again in {} s", name,
                  limit.per_second, limit.burst, d.retry_after.count()));
  res.set(http::field::retry_after, std::to_string(d.retry_after.count()));
  // draft-ietf-httpapi-ratelimit-headers: the quota (q) per window (w, seconds: the time the
  // bucket takes to fill), and what is left (r) until it is full again (t).
  const auto window = static_cast<long>(std::ceil(limit.burst / limit.per_second));
  res.set("RateLimit-Policy", fmt::format("\"{}\";q={};w={}", name, static_cast<long>(limit.burst), window));
  res.set("RateLimit", fmt::format("\"{}\";r={};t={}", name, d.remaining, d.reset.count()));
  return res;
}

}  // namespace

RequestGate::RequestGate(Authenticator& auth, RateLimit requests, RateLimit scans, OriginGuard origins)
    : auth_(auth), origins_(std::move(origins)), requests_(requests), scans_(scans) {}

boost::asio::awaitable<GateDecision> RequestGate::check(const Request& request, const GateContext& context) {
  GateDecision decision;
  if (auto refused = origins_.refuse(request, context.access)) {
    decision.denied = std::move(refused);
    co_return decision;
  }
  // Health probes and the dashboard's files are never limited: a load balancer's probe must
  // not be refused because a client on the same address is busy.
  if (context.access == Access::open) co_return decision;
  auto verdict = co_await auth_.check(request, context.access);
  const auto client = verdict.key ? "key:" + *verdict.key : "address:" + context.client.to_string();
  const auto now = RateLimiter::Clock::now();
  if (const auto d = requests_.take(client, 1, now); !d.allowed) {
    decision.denied = too_many("requests", requests_.limit(), d);
  } else if (verdict.denied) {
    decision.denied = std::move(verdict.denied);
  } else if (context.cost == Cost::scan) {
    if (const auto d = scans_.take(client, 1, now); !d.allowed) {
      decision.denied = too_many("scans", scans_.limit(), d);
    } else if (scans_.limit().enabled()) {
      decision.charge_scans = [this, client](std::size_t scans) {
        scans_.charge(client, static_cast<double>(scans), RateLimiter::Clock::now());
      };
    }
  }
  co_return decision;
}

}  // namespace domainscan::api
