#pragma once
// The interface every check after DNS implements (scan/tls.cpp, ...). The engine runs the
// DNS check first, because the others need what it found (the addresses to connect to,
// the TXT records), then runs the rest concurrently with the same ScanContext.
#include "scan/check_result.hpp"
#include "scan/target_policy.hpp"
#include "scan/unbound_resolver.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/json/object.hpp>

#include <chrono>
#include <string>
#include <vector>

namespace domainscan::scan {

class SharedTlsConnection;

struct ScanContext {
  std::string domain;
  // The domain's addresses from the DNS check, IPv4 first. Checks connect to these, never
  // to a fresh lookup (no DNS rebinding between the check and the connection).
  std::vector<boost::asio::ip::address> addresses;
  const boost::json::object* dns = nullptr;  // the DNS check's section of the result
  const TargetPolicy* policy = nullptr;
  // For names other than the domain that a check must reach (a redirect's host, the
  // MTA-STS policy host): looked up once, and the address found is the one connected to.
  UnboundResolver* resolver = nullptr;
  std::chrono::milliseconds timeout{10'000};  // per network operation (--check-timeout)
  // Set when the TLS and the HTTP check both run: their connection to the domain's address,
  // made once (scan/shared_tls_connection.hpp). Null: each makes its own.
  SharedTlsConnection* shared_tls = nullptr;
};

class Check {
 public:
  virtual ~Check() = default;
  virtual const char* name() const = 0;
  // Whether the check talks to the domain's own servers. Those that ask a third party (a
  // reputation service) do not count when the engine decides that nothing answered.
  virtual bool probes_the_domain() const { return true; }
  // Whether the check asks the domain's registry: the one check still run for a domain that
  // does not resolve (NXDOMAIN), to tell a name that was never registered (or has lapsed)
  // from one whose DNS is broken.
  virtual bool asks_the_registry() const { return false; }
  // Never throws for what it finds: failures are CheckResult's "error" or "skipped". An
  // exception is a bug, and the engine reports it as this check's error.
  virtual boost::asio::awaitable<CheckResult> run(const ScanContext& context) = 0;
};

}  // namespace domainscan::scan
