#include "scan/http.hpp"

#include "core/one_shot_event.hpp"
#include "core/text.hpp"
#include "scan/http_fetch.hpp"
#include "scan/shared_tls_connection.hpp"
#include "scan/target_address.hpp"

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <map>
#include <memory>
#include <set>

namespace domainscan::scan {

namespace asio = boost::asio;
namespace json = boost::json;
namespace urls = boost::urls;

namespace {

constexpr const char* kCheck = "http";

// The headers reported, and the finding for each that is missing.
struct SecurityHeader {
  const char* name;  // lower case
  const char* severity;
};
constexpr SecurityHeader kSecurityHeaders[] = {
    {"content-security-policy", "low"}, {"x-frame-options", "low"},   {"x-content-type-options", "low"},
    {"referrer-policy", "info"},         {"permissions-policy", "info"},
};

// One followed chain of requests.
struct Chain {
  json::array hops;                    // {"url", "status"} per response
  std::optional<HttpFetchResult> last; // the final response
  std::string final_url;
  std::optional<std::string> error;    // why the chain ended without a final response
  bool unreachable = false;            // the first request found nobody there
  bool scanner_failure = false;        // the first request could not be made (this process's failure)
  bool loop = false, too_many = false;
  std::optional<std::string> refused;     // a hop's address the policy refused
  std::optional<std::string> unresolved;  // a redirect's URL whose host does not resolve
};

// The check's fetches by URL and address. The plain chain usually redirects to the https://
// URL the secure chain starts with: whichever asks second waits for the first one's answer
// instead of opening a second connection (and TLS handshake) to ask the same. Both chains
// run on the scan's strand, so the table needs no lock. The https://domain/ request goes over
// the scan's shared TLS connection when the TLS check runs too.
class FetchOnce {
 public:
  asio::awaitable<HttpFetchResult> fetch(asio::any_io_executor executor, const urls::url& url,
                                         const asio::ip::address& address, std::chrono::milliseconds timeout,
                                         SharedTlsConnection* shared) {
    const auto key = fmt::format("{} {}", url.buffer(), address.to_string());
    if (auto it = entries_.find(key); it != entries_.end()) {
      const auto entry = it->second;
      co_await entry->done.wait();
      co_return *entry->result;
    }
    const auto strand = co_await asio::this_coro::executor;
    const auto entry = std::make_shared<Entry>(strand);
    entries_.emplace(key, entry);
    try {
      if (shared && shared->serves(url, address)) {
        entry->result = co_await http_fetch_shared(executor, *shared, url, timeout, HttpCheck::kMaxBody);
      } else {
        entry->result = co_await http_fetch(executor, url, address, timeout, HttpCheck::kMaxBody);
      }
    } catch (const std::exception& e) {
      entry->result.emplace().error = e.what();  // a waiter must not wait for ever
      entry->done.set();
      throw;
    }
    entry->done.set();
    co_return *entry->result;
  }

 private:
  struct Entry {
    explicit Entry(const asio::any_io_executor& ex) : done(ex) {}
    std::optional<HttpFetchResult> result;
    OneShotEvent done;  // set when result is in
  };
  std::map<std::string, std::shared_ptr<Entry>> entries_;
};

asio::awaitable<Chain> follow(asio::any_io_executor executor, const ScanContext& ctx, FetchOnce& fetches,
                              std::string start) {
  Chain chain;
  std::set<std::string> seen;
  urls::url url = urls::parse_uri(start).value();
  for (int hop = 0;; ++hop) {
    if (hop > HttpCheck::kMaxRedirects) {
      chain.too_many = true;
      chain.error = fmt::format("more than {} redirects", HttpCheck::kMaxRedirects);
      co_return chain;
    }
    const std::string here(url.buffer());
    seen.insert(here);
    const auto address = co_await target_address(ctx, url);
    if (const auto* none = std::get_if<NoTarget>(&address)) {
      chain.error = fmt::format("not following {}: {}", here, none->why);
      // A redirect to a name that does not resolve is a broken redirect; one the target
      // policy refuses is a policy matter. (The first request is the domain's own name.)
      if (hop > 0 && none->unresolved) {
        chain.unresolved = here;
      } else if (!none->unresolved) {
        chain.refused = none->why;
      }
      co_return chain;
    }
    auto res = co_await fetches.fetch(executor, url, std::get<asio::ip::address>(address), ctx.timeout, ctx.shared_tls);
    if (res.error) {
      chain.error = fmt::format("{}: {}", here, *res.error);
      chain.unreachable = hop == 0 && res.unreachable;
      chain.scanner_failure = hop == 0 && res.scanner_failure;
      co_return chain;
    }
    chain.hops.push_back(json::object{{"url", here}, {"status", res.status}});
    const auto location = res.header("location");
    if (res.status >= 300 && res.status < 400 && location) {
      auto next = redirect_target(url, *location);
      if (!next) {
        chain.error = fmt::format("{}: unusable redirect to '{}'", here, *location);
        co_return chain;
      }
      if (seen.contains(std::string(next->buffer()))) {
        chain.loop = true;
        chain.error = fmt::format("redirect loop at {}", std::string(next->buffer()));
        co_return chain;
      }
      url = std::move(*next);
      continue;
    }
    chain.final_url = here;
    chain.last = std::move(res);
    co_return chain;
  }
}

}  // namespace

asio::awaitable<CheckResult> HttpCheck::run(const ScanContext& ctx) {
  if (ctx.addresses.empty()) co_return check_skipped("the domain has no address");
  if (auto refusal = ctx.policy ? ctx.policy->refusal(ctx.addresses.front()) : std::nullopt) {
    co_return check_skipped(*refusal);
  }
  using namespace asio::experimental::awaitable_operators;
  // Named locals, not temporaries in the co_await (GCC 12 destroys those twice).
  const std::string http_url = fmt::format("http://{}/", ctx.domain);
  const std::string https_url = fmt::format("https://{}/", ctx.domain);
  FetchOnce fetches;
  auto [plain, secure] =
      co_await (follow(executor_, ctx, fetches, http_url) && follow(executor_, ctx, fetches, https_url));

  // What went wrong along either chain is worth saying whether or not anything answered.
  const auto add_chain_findings = [&](CheckResult& r) {
    for (const auto* chain : {&plain, &secure}) {
      if (chain->loop) r.add_finding(kCheck, "http.redirect_loop", "medium", *chain->error);
      if (chain->too_many) r.add_finding(kCheck, "http.too_many_redirects", "medium", *chain->error);
      if (chain->refused) r.add_finding(kCheck, "http.redirect_refused", "medium", *chain->error);
      if (chain->unresolved) {
        r.add_finding(kCheck, "http.redirect_unresolvable", "medium",
                      fmt::format("a redirect leads to {}, whose host does not resolve: visitors get an error",
                                  *chain->unresolved));
      }
    }
  };
  if (!plain.last && !secure.last) {
    auto r = check_error(fmt::format("no HTTP answer: {}; no HTTPS answer: {}", plain.error.value_or("?"),
                                     secure.error.value_or("?")),
                         plain.unreachable && secure.unreachable);
    r.scanner_failure = plain.scanner_failure || secure.scanner_failure;
    r.json["redirects"] = plain.hops;
    r.json["https_redirects"] = secure.hops;
    add_chain_findings(r);
    co_return r;
  }

  CheckResult r;
  auto& out = r.json;
  out["status"] = "ok";
  const bool redirects_to_https = plain.last && plain.final_url.starts_with("https://");
  out["redirects_to_https"] = redirects_to_https;
  out["redirects"] = plain.hops;
  out["https_redirects"] = secure.hops;
  const auto& final_chain = secure.last ? secure : plain;
  const auto& final_res = *final_chain.last;
  out["final_url"] = final_chain.final_url;
  out["final_status"] = final_res.status;
  out["http_error"] = plain.error ? json::value(*plain.error) : json::value(nullptr);
  out["https_error"] = secure.error ? json::value(*secure.error) : json::value(nullptr);

  // HSTS counts only over HTTPS (RFC 6797 8.1).
  const auto hsts = secure.last ? secure.last->header("strict-transport-security") : std::nullopt;
  // Always the same shape, so that "is HSTS on?" is one field away ("present").
  json::object hsts_json =
      hsts ? parse_hsts(*hsts) : json::object{{"max_age", nullptr}, {"include_subdomains", false}, {"preload", false}};
  hsts_json["present"] = hsts.has_value();
  hsts_json["header"] = hsts ? json::value(*hsts) : json::value(nullptr);
  out["hsts"] = std::move(hsts_json);
  json::object headers;
  for (const auto& h : kSecurityHeaders) {
    const auto v = final_res.header(h.name);
    headers[h.name] = v ? json::value(*v) : json::value(nullptr);
  }
  out["headers"] = std::move(headers);
  json::array cookies;
  for (const auto& [name, value] : final_res.headers) {
    if (name == "set-cookie") cookies.push_back(parse_set_cookie(value));
  }
  out["cookies"] = cookies;

  // Findings.
  if (!secure.last) {
    r.add_finding(kCheck, "http.no_https", "high",
                  fmt::format("the site does not answer over HTTPS ({})", secure.error.value_or("?")));
  } else if (!hsts) {
    r.add_finding(kCheck, "http.hsts_missing", "medium", "HTTPS responses carry no Strict-Transport-Security header");
  } else if (const auto* age = out["hsts"].at("max_age").if_int64(); !age || *age < kMinHstsMaxAge) {
    r.add_finding(kCheck, "http.hsts_short", "low", "HSTS max-age is shorter than 180 days");
  }
  if (plain.last && !redirects_to_https) {
    r.add_finding(kCheck, "http.no_redirect_to_https", "medium", "http:// does not redirect to https://");
  }
  add_chain_findings(r);
  for (const auto& h : kSecurityHeaders) {
    if (out["headers"].at(h.name).is_null()) {
      r.add_finding(kCheck, fmt::format("http.missing_{}", h.name), h.severity, fmt::format("no {} header", h.name));
    }
  }
  for (const auto& c : cookies) {
    const auto& o = c.as_object();
    if (secure.last && (!o.at("secure").as_bool() || !o.at("http_only").as_bool())) {
      r.add_finding(kCheck, "http.insecure_cookie", "low",
                    fmt::format("cookie {} lacks Secure or HttpOnly", std::string_view(o.at("name").as_string())));
    }
  }
  co_return r;
}

}  // namespace domainscan::scan
