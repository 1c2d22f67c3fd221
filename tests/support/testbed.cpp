#include "support/testbed.hpp"

#include <cstdlib>
#include <stdexcept>

namespace domainscan::testing {

std::string required_env(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') {
    throw std::runtime_error(std::string(name) + " is not set: run the tests with `make test`");
  }
  return value;
}

std::filesystem::path testbed_dir() { return DOMAINSCAN_TESTBED_DIR; }

std::string test_dns_server() { return required_env("DOMAINSCAN_TEST_DNS_SERVER"); }
std::string test_slow_dns_server() { return required_env("DOMAINSCAN_TEST_SLOW_DNS_SERVER"); }
std::string test_auth_dns_server() { return required_env("DOMAINSCAN_TEST_AUTH_DNS_SERVER"); }
std::string test_ca_file() { return required_env("DOMAINSCAN_TEST_CA_FILE"); }
std::string test_trust_anchor_file() { return required_env("DOMAINSCAN_TEST_TRUST_ANCHOR_FILE"); }

const scan::TargetPolicy& test_bed_policy() {
  static const scan::TargetPolicy policy({parse_cidr("127.0.0.0/8")});
  return policy;
}

Settings dns_only_settings(std::chrono::milliseconds check_timeout, const std::string& dns_server) {
  Settings settings;
  settings.checks = {"dns"};
  settings.dns_servers = {parse_host_port(dns_server, 53)};
  settings.allow_suffixes = {"test"};
  settings.trust_anchor_file = std::nullopt;
  settings.check_timeout = check_timeout;
  return settings;
}

Settings test_bed_scan_settings(std::vector<std::string> checks, std::chrono::milliseconds check_timeout,
                                const std::string& dns_server) {
  Settings settings = dns_only_settings(check_timeout, dns_server);
  settings.checks = std::move(checks);
  settings.allow_targets = {parse_cidr("127.0.0.0/8")};
  settings.ca_file = test_ca_file();
  return settings;
}

SilentDnsServer::SilentDnsServer()
    : socket_(io_, boost::asio::ip::udp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0)) {}

std::string SilentDnsServer::address() const {
  return "127.0.0.1:" + std::to_string(socket_.local_endpoint().port());
}

}  // namespace domainscan::testing
