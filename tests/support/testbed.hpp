#pragma once
// The scan test bed that tests/run-all.sh starts (tests/testbed/): where its servers listen.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>

#include <string>

namespace domainscan::testing {

// The recursive resolver (unbound) in front of the test zones: DOMAINSCAN_TEST_DNS_SERVER.
std::string test_dns_server();

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
