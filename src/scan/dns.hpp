#pragma once
// The DNS check: A, AAAA, NS, MX, TXT, CAA and SOA of the domain, asked in parallel, and
// the DNSSEC status of the answers. NXDOMAIN is reported for bad-domain detection.
#include "scan/check_result.hpp"
#include "scan/unbound_resolver.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <string>

namespace domainscan::scan {

boost::asio::awaitable<CheckResult> run_dns_check(UnboundResolver& resolver, const std::string& domain,
                                                  std::chrono::milliseconds timeout);

// Only what the other checks need to connect: A and AAAA (and CNAME, so that an alias to a
// name that does not exist is not taken for a domain that does not exist), for a scan run
// without the DNS check (--checks). NXDOMAIN and unanswered lookups are reported as by
// run_dns_check; an answer is {"status": "ok", "a", "aaaa"}.
boost::asio::awaitable<CheckResult> run_address_lookup(UnboundResolver& resolver, const std::string& domain,
                                                       std::chrono::milliseconds timeout);

}  // namespace domainscan::scan
