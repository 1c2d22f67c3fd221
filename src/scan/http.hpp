#pragma once
// The HTTP check (Beast client): fetches http://domain/ and https://domain/, following up
// to kMaxRedirects redirects with every hop recorded and loops detected, and reports
// whether HTTP redirects to HTTPS, the final status, HSTS, the security headers and the
// cookies' flags. Every hop goes through the target policy: a redirect to a private
// address is refused like the domain itself would be. Bodies are read up to kMaxBody.
#include "scan/check.hpp"
#include "scan/http_headers.hpp"

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

}  // namespace domainscan::scan
