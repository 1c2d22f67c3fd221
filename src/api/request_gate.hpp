#pragma once
// What a request passes before its route's handler: the Host and Origin checks that keep
// other sites' pages away (api/origin_guard.hpp), the API key (api/authenticator.hpp), then the client's rate limits (api/rate_limiter.hpp): every request takes from the
// client's request bucket, and one that queues a scan from its scan bucket too. The client
// is the key's name, or the address for requests without a valid key. Over a limit: 429
// with Retry-After and the RateLimit-Policy / RateLimit fields of the IETF httpapi draft.
#include "api/authenticator.hpp"
#include "api/origin_guard.hpp"
#include "api/rate_limiter.hpp"
#include "api/router.hpp"

namespace domainscan::api {

class RequestGate {
 public:
  RequestGate(Authenticator& auth, RateLimit requests, RateLimit scans, OriginGuard origins = OriginGuard());

  // For a route that queues scans, the decision carries the charge for scans beyond the
  // first (a bulk submission counts per domain it queued): it may take the client's scan
  // bucket below empty, and the client's next scan request then waits until it refilled.
  boost::asio::awaitable<GateDecision> check(const Request& request, const GateContext& context);

 private:
  Authenticator& auth_;
  OriginGuard origins_;
  RateLimiter requests_;
  RateLimiter scans_;
};

}  // namespace domainscan::api
