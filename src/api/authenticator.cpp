#include "api/authenticator.hpp"

#include "core/text.hpp"

#include <boost/asio/ip/address.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace domainscan::api {

namespace {

constexpr std::chrono::seconds kTouchEvery{60};  // last_used_at is minutes-accurate, not one write a request

bool loopback(const std::string& host) {
  if (iequals(host, "localhost")) return true;
  boost::system::error_code ec;
  const auto address = boost::asio::ip::make_address(host, ec);
  return !ec && address.is_loopback();
}

bool required(const std::string& mode, bool on_loopback) {
  if (mode == "required") return true;
  if (mode == "off") return false;
  return !on_loopback;  // auto
}

Response unauthorized(const std::string& message, bool key_given) {
  auto res = error_response(http::status::unauthorized, "unauthorized", message);
  res.set(http::field::www_authenticate,
          key_given ? R"(Bearer realm="domainscan", error="invalid_token")" : R"(Bearer realm="domainscan")");
  return res;
}

// The key of an "Authorization: Bearer KEY" header, or nullopt.
std::optional<std::string> bearer_key(const Request& request) {
  const auto it = request.find(http::field::authorization);
  if (it == request.end()) return std::nullopt;
  std::string_view value = it->value();
  if (value.size() < 7 || !iequals(value.substr(0, 7), "bearer ")) return std::nullopt;
  value.remove_prefix(7);
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
  if (value.empty()) return std::nullopt;
  return std::string(value);
}

}  // namespace

AuthPolicy auth_policy(const Settings& settings) {
  const bool on_loopback = loopback(settings.listen.host);
  AuthPolicy p;
  p.keys_required = required(settings.auth, on_loopback);
  p.metrics_key_required = required(settings.metrics_auth, on_loopback);
  return p;
}

Authenticator::Authenticator(store::Store& store, BlockingPool& db, AuthPolicy policy)
    : store_(store), db_(db), policy_(policy) {}

boost::asio::awaitable<std::optional<store::ApiKey>> Authenticator::lookup(const std::string& hash) {
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(mutex_);
    if (auto it = cache_.find(hash); it != cache_.end() && now - it->second.fetched < kCacheFor) {
      co_return it->second.key;
    }
  }
  // (Named lambdas and locals, not temporaries in the co_await: GCC 12 destroys those twice.)
  const auto find = [&store = store_, &hash] { return store.find_api_key(hash); };
  auto key = co_await db_.run(find);
  if (key && !auth::same_hash(key->hash, hash)) key.reset();
  bool touch = false;
  {
    std::lock_guard lock(mutex_);
    // Bounded: past the limit what has expired goes, and if that is not enough, everything
    // (random keys sprayed at the API cannot grow it).
    if (cache_.size() >= kMaxCached) {
      for (auto it = cache_.begin(); it != cache_.end();) {
        it = now - it->second.fetched >= kCacheFor ? cache_.erase(it) : std::next(it);
      }
      if (cache_.size() >= kMaxCached) cache_.clear();
    }
    cache_[hash] = Cached{key, now};
    if (key) {
      auto& last = touched_[hash];
      if (now - last >= kTouchEvery) {
        last = now;
        touch = true;
      }
      if (touched_.size() > kMaxCached) touched_.clear();
    }
  }
  if (touch) {
    try {
      const auto record_use = [&store = store_, &hash] { store.touch_api_key(hash, now_ms()); };
      co_await db_.run(record_use);
    } catch (const std::exception& e) {
      spdlog::debug("api: last use of a key not recorded: {}", e.what());
    }
  }
  co_return key;
}

boost::asio::awaitable<Authenticator::Verdict> Authenticator::check(const Request& request, Access access) {
  if (access == Access::open) co_return Verdict{};
  if (access == Access::metrics ? !policy_.metrics_key_required : !policy_.keys_required) co_return Verdict{};

  const auto given = bearer_key(request);
  if (!given) {
    co_return Verdict{unauthorized(
        "this API requires a key: send 'Authorization: Bearer ds_...' (an operator creates one with "
        "'domainscan keys create --name NAME --scope read|write|admin')",
        false), std::nullopt};
  }
  const auto hash = auth::api_key_hash(*given);
  const auto key = co_await lookup(hash);
  if (!key) co_return Verdict{unauthorized("the API key is not valid (unknown, or revoked)", true), std::nullopt};

  const auto needed = access == Access::admin ? auth::Scope::admin
                      : access == Access::write ? auth::Scope::write
                                                : auth::Scope::read;
  const auto scope = auth::scope_from(key->scope).value_or(auth::Scope::read);
  if (static_cast<int>(scope) < static_cast<int>(needed)) {
    co_return Verdict{error_response(http::status::forbidden, "forbidden",
                                     fmt::format("the key '{}' has the {} scope; this request needs {}", key->name,
                                                 auth::to_string(scope), auth::to_string(needed))),
                      key->name};
  }
  co_return Verdict{std::nullopt, key->name};
}

}  // namespace domainscan::api
