#include "scan/rdap.hpp"

#include "core/time_format.hpp"
#include "scan/http_fetch.hpp"
#include "scan/target_address.hpp"

#include <boost/json.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>
#include <fmt/format.h>

namespace domainscan::scan {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

constexpr const char* kCheck = "rdap";

}  // namespace

RdapCheck::RdapCheck(asio::any_io_executor executor, std::optional<std::string> rdap_url,
                     const std::optional<std::string>& ca_file, const RdapBootstrap& bootstrap)
    : executor_(std::move(executor)),
      rdap_url_(std::move(rdap_url)),
      verify_(make_verifying_context(ca_file)),
      bootstrap_(bootstrap) {}

asio::awaitable<CheckResult> RdapCheck::run(const ScanContext& ctx) {
  auto base = rdap_url_ ? rdap_url_ : bootstrap_.base_url_for(ctx.domain);
  if (!base) co_return check_skipped("no RDAP server is known for this domain's TLD");
  if (!base->ends_with('/')) *base += '/';
  const std::string text = fmt::format("{}domain/{}", *base, ctx.domain);
  auto parsed = boost::urls::parse_uri(text);
  if (!parsed) co_return check_error(fmt::format("bad RDAP URL {}", text), false);
  boost::urls::url url(*parsed);  // owns its text
  HttpFetchOptions options;
  options.max_body = kMaxBody;
  options.headers = {{"accept", "application/rdap+json"}};
  options.verify = verify_;
  HttpFetchResult res;
  for (int redirects = 0;; ++redirects) {
    const auto address = co_await target_address(ctx, url);
    if (const auto* none = std::get_if<NoTarget>(&address)) co_return check_skipped(none->why);
    res = co_await http_fetch(executor_, url, std::get<asio::ip::address>(address), ctx.timeout, options);
    if (res.certificate_error) {
      co_return check_error(fmt::format("RDAP {}: the server's certificate does not verify: {}", url.buffer(),
                                        *res.certificate_error),
                            false);
    }
    if (res.error) co_return check_error(fmt::format("RDAP {}: {}", url.buffer(), *res.error), res.unreachable);
    const bool redirect = res.status == 301 || res.status == 302 || res.status == 303 || res.status == 307 ||
                          res.status == 308;
    if (!redirect) break;
    const auto location = res.header("location");
    if (!location) {
      co_return check_error(fmt::format("RDAP {} answered HTTP {} without a Location", url.buffer(), res.status), false);
    }
    if (redirects == kMaxRedirects) {
      co_return check_error(fmt::format("RDAP {}: more than {} redirects", text, kMaxRedirects), false);
    }
    auto next = redirect_target(url, *location);
    if (!next) co_return check_error(fmt::format("RDAP {} redirects to an invalid URL", url.buffer()), false);
    url = std::move(*next);
  }

  CheckResult r;
  if (res.status == 404) {
    r.json = json::object{{"status", "ok"}, {"registered", false}, {"server", *base}, {"url", url.buffer()}};
    r.add_finding(kCheck, "rdap.not_found", "info", "the registry's RDAP server does not know the domain");
    co_return r;
  }
  if (res.status != 200) co_return check_error(fmt::format("RDAP {} answered HTTP {}", url.buffer(), res.status), false);
  if (res.body_truncated) co_return check_error("the RDAP answer is larger than allowed", false);
  boost::system::error_code ec;
  const auto doc = json::parse(res.body, ec);
  if (ec || !doc.is_object()) co_return check_error("the RDAP answer is not JSON", false);

  r.json = summarize_rdap_domain(doc);
  r.json["status"] = "ok";
  r.json["registered"] = true;
  r.json["server"] = *base;
  r.json["url"] = url.buffer();  // where the answer came from: another server after a redirect
  if (const auto* expires = r.json.at("expires").if_string()) {
    if (const auto when = parse_rfc3339(*expires)) {
      const auto now = std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
      const auto days = std::chrono::floor<std::chrono::days>(*when - now).count();
      if (*when < now) {
        r.add_finding(kCheck, "rdap.expired", "critical", fmt::format("the registration expired on {}", *expires));
      } else if (days < kExpiryWarningDays) {
        r.add_finding(kCheck, "rdap.expiring", "high", fmt::format("the registration expires in {} days", days));
      }
    }
  }
  for (const auto& s : r.json.at("statuses").as_array()) {
    const auto status = std::string(s.as_string());
    if (status.find("hold") != std::string::npos) {
      r.add_finding(kCheck, "rdap.on_hold", "high", fmt::format("the domain is on hold ({}): it does not resolve", status));
    }
  }
  co_return r;
}

}  // namespace domainscan::scan
