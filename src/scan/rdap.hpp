#pragma once
// The RDAP check: registrar, registration and expiry dates, statuses and name servers from
// the RDAP server that --rdap-url names, or else the one the IANA bootstrap data names for
// the domain's TLD. The server's address goes through the target policy like any other.
// Its certificate must verify (the system's CAs and --ca-file): the answer decides whether
// a domain is registered, and a forged "not found" would hide one. Redirects, which RFC
// 7480 5.2 lets a server use to send a client to the registry or registrar that knows,
// are followed (at most kMaxRedirects, each address through the policy again).
#include "scan/check.hpp"
#include "scan/rdap_bootstrap.hpp"
#include "scan/rdap_summary.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ssl/context.hpp>

#include <memory>
#include <optional>
#include <string>

namespace domainscan::scan {

class RdapCheck final : public Check {
 public:
  static constexpr std::size_t kMaxBody = 512 * 1024;
  static constexpr int kExpiryWarningDays = 30;
  static constexpr int kMaxRedirects = 3;

  RdapCheck(boost::asio::any_io_executor executor, std::optional<std::string> rdap_url,
            const std::optional<std::string>& ca_file, const RdapBootstrap& bootstrap = RdapBootstrap::shipped());
  const char* name() const override { return "rdap"; }
  // The registry answering says nothing about whether the domain's own servers do.
  bool probes_the_domain() const override { return false; }
  // Whether a name that does not resolve is registered at all is the registry's to say.
  bool asks_the_registry() const override { return true; }
  boost::asio::awaitable<CheckResult> run(const ScanContext& context) override;

 private:
  boost::asio::any_io_executor executor_;
  std::optional<std::string> rdap_url_;
  std::shared_ptr<boost::asio::ssl::context> verify_;
  const RdapBootstrap& bootstrap_;
};

}  // namespace domainscan::scan
