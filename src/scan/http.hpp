#pragma once
// The HTTP check (Beast client): fetches http://domain/ and https://domain/, following up
// to kMaxRedirects redirects with every hop recorded and loops detected, and reports
// whether HTTP redirects to HTTPS, the final status, HSTS, the security headers and the
// cookies' flags. Every hop goes through the target policy: a redirect to a private
// address is refused like the domain itself would be. Bodies are read up to kMaxBody.
#include "scan/check.hpp"

#include <boost/asio/any_io_executor.hpp>

namespace domainscan::scan {

class HttpCheck final : public Check {
 public:
  static constexpr int kMaxRedirects = 10;
  static constexpr std::size_t kMaxBody = 256 * 1024;
  // HSTS max-age below this (180 days) is reported as short.
  static constexpr long kMinHstsMaxAge = 180L * 24 * 3600;

  explicit HttpCheck(boost::asio::any_io_executor executor) : executor_(std::move(executor)) {}
  const char* name() const override { return "http"; }
  boost::asio::awaitable<CheckResult> run(const ScanContext& context) override;

 private:
  boost::asio::any_io_executor executor_;
};

// Strict-Transport-Security parsed: {"max_age", "include_subdomains", "preload"}.
boost::json::object parse_hsts(std::string_view header);
// One Set-Cookie header's name and flags: {"name", "secure", "http_only", "same_site"}.
boost::json::object parse_set_cookie(std::string_view header);

}  // namespace domainscan::scan
