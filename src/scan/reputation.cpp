#include "scan/reputation.hpp"

#include "core/time_format.hpp"
#include "scan/http_fetch.hpp"
#include "scan/target_address.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <charconv>
#include <set>
#include <stdexcept>

namespace domainscan::scan {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

constexpr const char* kCheck = "reputation";

CheckResult skipped(std::string reason, std::string detail, std::optional<TimePoint> retry_at = std::nullopt) {
  auto r = check_skipped(std::move(reason));
  r.json["source"] = "virustotal";
  r.json["detail"] = std::move(detail);
  if (retry_at) r.json["retry_at"] = to_rfc3339(*retry_at);
  return r;
}

CheckResult answered(json::object summary, TimePoint fetched_at, bool cached) {
  CheckResult r;
  add_reputation_findings(summary, r);
  r.json = std::move(summary);
  r.json["status"] = "ok";
  r.json["cached"] = cached;
  r.json["fetched_at"] = to_rfc3339(fetched_at);
  return r;
}

// Retry-After in seconds (the HTTP-date form is rare for APIs and falls back to the default),
// kept between 1 s and an hour.
std::chrono::seconds retry_after(const HttpFetchResult& res) {
  const auto value = res.header("retry-after");
  long seconds = 0;
  if (!value || std::from_chars(value->data(), value->data() + value->size(), seconds).ec != std::errc{} ||
      seconds <= 0) {
    return ReputationCheck::kDefaultBackoff;
  }
  return std::chrono::seconds(std::clamp(seconds, 1L, 3600L));
}

}  // namespace

void add_reputation_findings(const json::object& summary, CheckResult& r) {
  const auto malicious = vt_count(summary, "malicious");
  const auto suspicious = vt_count(summary, "suspicious");
  // One engine alone is often a false positive; two or more agreeing is the usual line.
  if (malicious >= 2) {
    r.add_finding(kCheck, "reputation.malicious", "critical",
                  fmt::format("{} security vendors flag the domain as malicious", malicious));
  } else if (malicious == 1 || suspicious > 0) {
    r.add_finding(kCheck, "reputation.suspicious", "medium",
                  fmt::format("security vendors flag the domain: {} malicious, {} suspicious", malicious, suspicious));
  }
  if (vt_count(summary, "reputation") < 0) {
    r.add_finding(kCheck, "reputation.negative_community_score", "low",
                  fmt::format("the VirusTotal community scores the domain {}", vt_count(summary, "reputation")));
  }
}

ReputationCheck::ReputationCheck(asio::any_io_executor executor, ReputationOptions options, ReputationLedger& ledger)
    : executor_(std::move(executor)), options_(std::move(options)), ledger_(ledger),
      verify_(make_verifying_context(options_.ca_file)) {}

asio::awaitable<CheckResult> ReputationCheck::run(const ScanContext& ctx) {
  if (!options_.api_key) co_return skipped("no_api_key", "no VirusTotal API key is set (--virustotal-key)");
  // The ledger lives in the database: when that is down the check says so, like any error.
  std::string failure;
  try {
    co_return co_await lookup(ctx);
  } catch (const std::exception& e) {
    failure = e.what();
  }
  spdlog::warn("reputation: {}: the budget and cache are out of reach: {}", ctx.domain, failure);
  co_return check_error(fmt::format("the reputation budget and cache are out of reach: {}", failure), false);
}

asio::awaitable<CheckResult> ReputationCheck::lookup(const ScanContext& ctx) {
  const auto now = now_ms();
  const TimePoint fresh_after = now - options_.cache_for;
  std::optional<ApiAnswer> cached;
  if (options_.cache_for > std::chrono::milliseconds::zero()) {
    cached = co_await ledger_.cached_answer(ctx.domain, fresh_after);
  }
  if (cached) {
    boost::system::error_code ec;
    const auto summary = json::parse(cached->body, ec);
    if (!ec && summary.is_object()) co_return answered(summary.as_object(), cached->fetched_at, true);
    spdlog::warn("reputation: the cached answer for {} is unreadable; asking again", ctx.domain);
  }
  co_return co_await fetch(ctx, now);
}

asio::awaitable<CheckResult> ReputationCheck::fetch(const ScanContext& ctx, TimePoint now) {
  // A slot further away than one timeout is not waited for: the scan would outlive it.
  const ApiBudgetPolicy policy{options_.per_minute, options_.per_day, ctx.timeout};
  const auto decision = co_await ledger_.reserve_call(now, policy);
  switch (decision.verdict) {
    case ApiCallVerdict::granted: break;
    case ApiCallVerdict::quota_spent:
      co_return skipped("quota", fmt::format("the daily budget of {} VirusTotal calls is spent", options_.per_day),
                        decision.at);
    case ApiCallVerdict::rate_limited:
      co_return skipped("rate_limit",
                        fmt::format("the next of {} VirusTotal calls a minute is free only at {}", options_.per_minute,
                                    to_rfc3339(decision.at)),
                        decision.at);
    case ApiCallVerdict::backing_off:
      co_return skipped("rate_limit", "VirusTotal asked for a pause (HTTP 429)", decision.at);
  }
  if (decision.at > now) {
    asio::steady_timer timer(executor_, decision.at - now);
    boost::system::error_code ec;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }

  auto base = options_.base_url;
  if (base.ends_with('/')) base.pop_back();
  const std::string text = fmt::format("{}/api/v3/domains/{}", base, ctx.domain);
  auto parsed = boost::urls::parse_uri(text);
  if (!parsed) co_return check_error(fmt::format("bad VirusTotal URL {}", text), false);
  const boost::urls::url url(*parsed);  // owns its text
  const auto address = co_await target_address(ctx, url);
  if (const auto* none = std::get_if<NoTarget>(&address)) co_return skipped("target", none->why);
  // The key goes in a header: over http:// only to this machine (a local proxy or test
  // server), never in clear across a network.
  if (url.scheme() == "http" && !std::get<asio::ip::address>(address).is_loopback()) {
    co_return check_error(fmt::format("refusing to send the VirusTotal API key in clear to {} ({}): use an https:// "
                                      "--virustotal-url",
                                      std::string(url.host()), std::get<asio::ip::address>(address).to_string()),
                          false);
  }

  HttpFetchOptions fetch_options;
  fetch_options.max_body = kMaxBody;
  fetch_options.headers = {{"x-apikey", *options_.api_key}, {"accept", "application/json"}};
  if (url.scheme() == "https") fetch_options.verify = verify_;
  const auto res =
      co_await http_fetch(executor_, url, std::get<asio::ip::address>(address), ctx.timeout, std::move(fetch_options));
  if (res.error) co_return check_error(fmt::format("VirusTotal: {}", *res.error), false);

  const auto fetched_at = now_ms();
  if (res.status == 429) {
    const TimePoint until = fetched_at + retry_after(res);
    co_await ledger_.back_off(until);
    spdlog::warn("reputation: VirusTotal answered 429; no worker calls it before {}", to_rfc3339(until));
    co_return skipped("rate_limit", "VirusTotal answered HTTP 429 (too many requests)", until);
  }
  if (res.status == 401 || res.status == 403) {
    co_return check_error(fmt::format("VirusTotal refused the API key (HTTP {})", res.status), false);
  }
  json::object summary;
  if (res.status == 404) {
    // VirusTotal has never seen the domain: an answer too, and worth keeping.
    summary = json::object{{"source", "virustotal"}, {"known", false}, {"malicious", 0}, {"suspicious", 0},
                           {"harmless", 0}, {"undetected", 0}, {"reputation", 0}, {"categories", json::array{}},
                           {"last_analysis_date", nullptr}};
  } else if (res.status != 200) {
    co_return check_error(fmt::format("VirusTotal answered HTTP {}", res.status), false);
  } else {
    if (res.body_truncated) co_return check_error("the VirusTotal answer is larger than allowed", false);
    boost::system::error_code ec;
    const auto doc = json::parse(res.body, ec);
    if (ec) co_return check_error("the VirusTotal answer is not JSON", false);
    try {
      summary = summarize_virustotal_domain(doc);
    } catch (const std::invalid_argument& e) {
      co_return check_error(fmt::format("the VirusTotal answer is not a domain object: {}", e.what()), false);
    }
  }
  if (options_.cache_for > std::chrono::milliseconds::zero()) {
    // (Named locals: GCC 12 mishandles temporaries inside a co_await expression.)
    ApiAnswer answer{fetched_at, json::serialize(summary)};
    const TimePoint drop_before = fetched_at - options_.cache_for;
    co_await ledger_.remember_answer(ctx.domain, std::move(answer), drop_before);
  }
  co_return answered(std::move(summary), fetched_at, false);
}

}  // namespace domainscan::scan
