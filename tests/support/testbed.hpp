#pragma once
// The scan test bed that tests/run-all.sh starts (tests/testbed/): where its servers listen.
#include "core/settings.hpp"
#include "scan/target_policy.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace domainscan::testing {

// The value of a variable tests/run-all.sh exports; throws, saying so, when it is missing
// (the test was run outside `make test`).
std::string required_env(const char* name);

// tests/testbed/ in the source tree: the test bed's scripts.
std::filesystem::path testbed_dir();

// The recursive resolver (unbound) in front of the test zones: DOMAINSCAN_TEST_DNS_SERVER.
std::string test_dns_server();
// The same answers, each 200 ms late: DOMAINSCAN_TEST_SLOW_DNS_SERVER.
std::string test_slow_dns_server();
// The authoritative server (knot) itself, which refuses names outside its zones:
// DOMAINSCAN_TEST_AUTH_DNS_SERVER.
std::string test_auth_dns_server();
// DNSSEC trust anchors for the signed test zones (signed.test validates, bogus.test does
// not): DOMAINSCAN_TEST_TRUST_ANCHOR_FILE.
std::string test_trust_anchor_file();
// The test CA that signed the web test bed's certificates: DOMAINSCAN_TEST_CA_FILE.
std::string test_ca_file();

// The target policy the checks' tests use: loopback (where the test bed listens) allowed,
// as --allow-target 127.0.0.0/8 does.
const scan::TargetPolicy& test_bed_policy();

// Settings for a scan engine that runs only the DNS check through `dns_server` (the test
// bed's resolver unless told), without DNSSEC trust anchors, for names under .test.
Settings dns_only_settings(std::chrono::milliseconds check_timeout, const std::string& dns_server = test_dns_server());

// Settings for a scan engine that runs `checks` against the whole test bed: its resolver
// (unless told), names under .test, loopback targets allowed, the test CA trusted, no
// DNSSEC trust anchors.
Settings test_bed_scan_settings(std::vector<std::string> checks, std::chrono::milliseconds check_timeout,
                                const std::string& dns_server = test_dns_server());

// A UDP socket on loopback that never answers: a DNS server that is down.
class SilentDnsServer {
 public:
  SilentDnsServer();
  std::string address() const;

 private:
  boost::asio::io_context io_;
  boost::asio::ip::udp::socket socket_;
};

}  // namespace domainscan::testing
