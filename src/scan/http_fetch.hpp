#pragma once
// One HTTP or HTTPS request (a GET, or a POST with a body) to a given address (never a fresh lookup), bounded as a whole by a
// timeout and in size: what the HTTP check, the MTA-STS policy fetch and webhook deliveries need. HTTPS
// certificates are not verified unless asked for (the TLS check reports on them); SNI is sent.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/url/url.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace domainscan::scan {

class SharedTlsConnection;

struct HttpFetchResult {
  std::optional<std::string> error;  // no response: connect, TLS or protocol failure, timeout
  bool unreachable = false;          // the error is a network failure (refused, timed out)
  bool scanner_failure = false;      // the error is this process's (out of descriptors, ...)
  // Set when a certificate that had to verify (HttpFetchOptions::verify) did not: why.
  std::optional<std::string> certificate_error;
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // names in lower case, in order
  std::string body;                  // at most max_body bytes
  bool body_truncated = false;

  // The first value of a header, or nullopt.
  std::optional<std::string> header(std::string_view lower_case_name) const;
};

// The most header bytes read; a larger header is an error.
inline constexpr std::size_t kMaxHttpHeaderBytes = 64 * 1024;

struct HttpFetchOptions {
  std::string method = "GET";
  std::optional<std::string> body;  // sent with Content-Length (set the content-type in headers)
  std::size_t max_body = 64 * 1024;
  std::vector<std::pair<std::string, std::string>> headers;  // sent with the request
  // Set: an HTTPS server's certificate must verify against it and match the URL's host
  // (for calls that carry a secret, like an API key). Null: not verified.
  std::shared_ptr<boost::asio::ssl::context> verify;
};

// A client context that trusts the system's CAs and, when given, the certificates of
// `ca_file` (--ca-file): for HttpFetchOptions::verify. One per CA file and process: loading
// the system's trust store (every certificate's key decoded) costs as much CPU as fifty
// handshakes, and every check asks for one.
std::shared_ptr<boost::asio::ssl::context> make_verifying_context(const std::optional<std::string>& ca_file);

// Where a redirect's Location leads from `from`: resolved against it (RFC 3986), without
// a fragment; nullopt when it is no http:// or https:// URL.
std::optional<boost::urls::url> redirect_target(boost::urls::url_view from, std::string_view location);

// (A coroutine: every argument is taken by value, so nothing it holds can dangle.)
boost::asio::awaitable<HttpFetchResult> http_fetch(boost::asio::any_io_executor executor, boost::urls::url url,
                                                    boost::asio::ip::address address,
                                                    std::chrono::milliseconds timeout, std::size_t max_body);
boost::asio::awaitable<HttpFetchResult> http_fetch(boost::asio::any_io_executor executor, boost::urls::url url,
                                                    boost::asio::ip::address address,
                                                    std::chrono::milliseconds timeout, HttpFetchOptions options);
// The same request over a scan's shared TLS connection (its handshake made, or awaited, by
// whichever of the TLS and the HTTP check asked first; not verified); `url` must be one it
// serves. The same answer, or error, as http_fetch's, without a handshake of its own.
boost::asio::awaitable<HttpFetchResult> http_fetch_shared(boost::asio::any_io_executor executor,
                                                           SharedTlsConnection& connection, boost::urls::url url,
                                                           std::chrono::milliseconds timeout, std::size_t max_body);

}  // namespace domainscan::scan
