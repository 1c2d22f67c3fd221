#pragma once
// A plain synchronous HTTP/1.1 client for tests: one request per call, over a fresh
// connection to 127.0.0.1, or several over one kept-alive connection.
#include <boost/json/value.hpp>

#include <cstdint>
#include <map>
#include <string>

namespace domainscan::testing {

struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
  boost::json::value json() const;  // throws if the body is not JSON
};

HttpResponse http_request(std::uint16_t port, const std::string& method, const std::string& target,
                          const std::string& body = "", const std::string& content_type = "application/json",
                          const std::map<std::string, std::string>& headers = {});

// Sends raw bytes and returns what the server answered before it closed the connection or
// the timeout passed (for malformed-request tests).
std::string raw_exchange(std::uint16_t port, const std::string& bytes, int timeout_ms = 2000);

}  // namespace domainscan::testing
