#pragma once
// Who may call which route (api/access.hpp): with keys required, a request carries
// `Authorization: Bearer ds_...`, whose SHA-256 must name a key in the store whose scope
// covers the route's access. No key, or one unknown or revoked: 401 with
// `WWW-Authenticate: Bearer`; a key whose scope falls short: 403.
//
// Keys found (and not found) are remembered for a few seconds, so that a busy client costs
// no database query per request and a revoked key stops working within that time.
#include "api/access.hpp"
#include "api/http_types.hpp"
#include "auth/api_key.hpp"
#include "core/blocking_pool.hpp"
#include "core/settings.hpp"
#include "store/store.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <mutex>
#include <optional>
#include <unordered_map>

namespace domainscan::api {

struct AuthPolicy {
  bool keys_required = false;          // for read, write and admin routes
  bool metrics_key_required = false;   // for /metrics
};

// --auth and --metrics-auth for a listen address: `auto` requires keys unless the address is
// loopback; `off` never; `required` always.
AuthPolicy auth_policy(const Settings& settings);

class Authenticator {
 public:
  Authenticator(store::Store& store, BlockingPool& db, AuthPolicy policy);

  struct Verdict {
    std::optional<Response> denied;  // the 401 or 403 to answer instead
    std::optional<std::string> key;  // the name of the valid key the request carried
  };
  boost::asio::awaitable<Verdict> check(const Request& request, Access access);

  static constexpr std::chrono::seconds kCacheFor{5};
  static constexpr std::size_t kMaxCached = 10'000;

 private:
  struct Cached {
    std::optional<store::ApiKey> key;
    std::chrono::steady_clock::time_point fetched;
  };
  boost::asio::awaitable<std::optional<store::ApiKey>> lookup(const std::string& hash);

  store::Store& store_;
  BlockingPool& db_;
  AuthPolicy policy_;
  std::mutex mutex_;
  std::unordered_map<std::string, Cached> cache_;  // by key hash
  std::unordered_map<std::string, std::chrono::steady_clock::time_point> touched_;
};

}  // namespace domainscan::api
