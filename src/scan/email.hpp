#pragma once
// The e-mail authentication check: SPF (the record, its "all", and the DNS lookups it
// causes counted through includes and redirects against RFC 7208's limit of 10), DMARC
// (_dmarc), MTA-STS (_mta-sts and the policy file fetched over HTTPS from
// mta-sts.<domain>), TLS-RPT (_smtp._tls) and null MX (RFC 7505).
#include "scan/check.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ssl/context.hpp>

#include <memory>
#include <optional>
#include <string>

namespace domainscan::scan {

class EmailCheck final : public Check {
 public:
  static constexpr int kMaxSpfLookups = 10;         // RFC 7208 4.6.4
  static constexpr std::size_t kMaxPolicyBytes = 64 * 1024;

  // ca_file: extra trust anchors (--ca-file) for the MTA-STS policy host's certificate,
  // which must verify (RFC 8461 3.3).
  EmailCheck(boost::asio::any_io_executor executor, const std::optional<std::string>& ca_file);
  const char* name() const override { return "email"; }
  boost::asio::awaitable<CheckResult> run(const ScanContext& context) override;

 private:
  boost::asio::any_io_executor executor_;
  std::shared_ptr<boost::asio::ssl::context> verify_;
};

}  // namespace domainscan::scan
