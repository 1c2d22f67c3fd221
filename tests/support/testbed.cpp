#include "support/testbed.hpp"

#include <cstdlib>
#include <stdexcept>

namespace domainscan::testing {

std::string test_dns_server() {
  const char* server = std::getenv("DOMAINSCAN_TEST_DNS_SERVER");
  if (server == nullptr || *server == '\0') {
    throw std::runtime_error("DOMAINSCAN_TEST_DNS_SERVER is not set: run the tests with `make test`");
  }
  return server;
}

SilentDnsServer::SilentDnsServer()
    : socket_(io_, boost::asio::ip::udp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0)) {}

std::string SilentDnsServer::address() const {
  return "127.0.0.1:" + std::to_string(socket_.local_endpoint().port());
}

}  // namespace domainscan::testing
