#pragma once
// The TLS check (OpenSSL 3 over Asio): connects to port 443 of the domain's first allowed
// address with SNI, and reports the negotiated protocol and cipher, the leaf certificate
// (subject, issuer, SANs, validity, days left, key, signature algorithm), whether the chain
// verifies against the system trust store plus --ca-file, whether the name matches, and
// which of TLS 1.0-1.3 the server accepts (learnt from the first handshake where it can, and
// from one or two probes that stop at the server's hello where it cannot). When the HTTP
// check runs too, the handshake reported on is the scan's shared one
// (scan/shared_tls_connection.hpp), over which the HTTP check then sends its request.
#include "scan/check.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ssl/context.hpp>

#include <memory>
#include <optional>
#include <string>

namespace domainscan::scan {

class TlsCheck final : public Check {
 public:
  // Days before expiry from which a certificate is reported as expiring.
  static constexpr int kExpiryWarningDays = 14;
  static constexpr unsigned short kPort = 443;

  TlsCheck(boost::asio::any_io_executor executor, std::optional<std::string> ca_file);
  const char* name() const override { return "tls"; }
  boost::asio::awaitable<CheckResult> run(const ScanContext& context) override;
  // The context of the handshake reported on: a scan's shared connection is made with it.
  boost::asio::ssl::context& report_context() { return *main_; }

 private:
  struct Versions {
    bool tls10 = false, tls11 = false, tls12 = false, tls13 = false;
  };
  boost::asio::awaitable<Versions> accepted_versions(int first_version, const ScanContext& context,
                                                     const boost::asio::ip::address& address);

  boost::asio::any_io_executor executor_;
  // Made once (loading the trust store is the costly part) and shared by every scan's
  // handshakes: an SSL_CTX is safe to use from many connections once configured.
  std::unique_ptr<boost::asio::ssl::context> main_;          // any version, verified, for the report
  std::unique_ptr<boost::asio::ssl::context> legacy_probe_;  // TLS 1.0-1.1 only
  std::unique_ptr<boost::asio::ssl::context> tls10_probe_;   // TLS 1.0 only
  std::unique_ptr<boost::asio::ssl::context> tls12_probe_;   // TLS 1.2 only
};

}  // namespace domainscan::scan
