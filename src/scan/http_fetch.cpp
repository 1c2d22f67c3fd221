#include "scan/http_fetch.hpp"

#include "core/text.hpp"
#include "scan/scanner_failure.hpp"
#include "scan/shared_tls_connection.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/url/parse.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <mutex>

namespace domainscan::scan {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using asio::ip::tcp;

namespace {

constexpr const char* kUserAgent = "domainscan/1 (+https://github.com/domainscan)";

bool is_network_failure(const boost::system::error_code& ec) {
  return ec == beast::error::timeout || ec == asio::error::connection_refused || ec == asio::error::host_unreachable ||
         ec == asio::error::network_unreachable || ec == asio::error::connection_reset ||
         ec == asio::error::timed_out;
}

std::string describe(const boost::system::error_code& ec) {
  return ec == beast::error::timeout ? std::string("timed out") : ec.message();
}

void connect_failed(HttpFetchResult& out, const asio::ip::address& address, std::uint16_t port,
                    const boost::system::error_code& ec) {
  out.error = fmt::format("cannot connect to {} port {}: {}", address.to_string(), port, describe(ec));
  out.scanner_failure = is_scanner_resource_error(ec);
  out.unreachable = !out.scanner_failure;
}

void handshake_failed(HttpFetchResult& out, const boost::system::error_code& ec) {
  out.error = "TLS handshake failed: " + describe(ec);
  out.unreachable = ec == beast::error::timeout;
}

// Sends the request and reads the answer on any stream (plain or TLS).
template <class Stream>
asio::awaitable<void> exchange(Stream& stream, const boost::urls::url& url, const HttpFetchOptions& options,
                               HttpFetchResult& out) {
  const auto max_body = options.max_body;
  http::request<http::string_body> req{http::string_to_verb(options.method),
                                       url.encoded_target().empty() ? "/" : url.encoded_target(), 11};
  req.set(http::field::host, url.encoded_host_and_port());
  req.set(http::field::user_agent, kUserAgent);
  req.set(http::field::accept, "*/*");
  req.set(http::field::connection, "close");
  for (const auto& [name, value] : options.headers) req.set(name, value);
  if (options.body) {
    req.body() = *options.body;
    req.prepare_payload();
  }
  boost::system::error_code ec;
  co_await http::async_write(stream, req, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) {
    out.error = "sending the request failed: " + describe(ec);
    out.unreachable = is_network_failure(ec);
    co_return;
  }
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.header_limit(static_cast<std::uint32_t>(kMaxHttpHeaderBytes));
  parser.body_limit(max_body);
  co_await http::async_read(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
  if (ec == http::error::body_limit) {
    out.body_truncated = true;  // the header is complete; the rest of the body is not wanted
  } else if (ec && !(parser.is_header_done() && (ec == asio::error::eof || ec == ssl::error::stream_truncated))) {
    out.error = "reading the response failed: " + describe(ec);
    out.unreachable = is_network_failure(ec);
    co_return;
  }
  if (!parser.is_header_done()) {
    out.error = "no complete response header";
    co_return;
  }
  const auto& res = parser.get();
  out.status = static_cast<int>(res.result_int());
  for (const auto& field : res) out.headers.emplace_back(to_lower(field.name_string()), std::string(field.value()));
  out.body = res.body().substr(0, max_body);
}

// The context of every fetch that does not verify: made once, since making an SSL_CTX costs
// more than a handshake with it, and shared (OpenSSL allows that once it is configured).
ssl::context& unverified_context() {
  static ssl::context* const ctx = [] {
    auto* c = new ssl::context(ssl::context::tls_client);  // never freed: fetches may run until exit
    c->set_verify_mode(ssl::verify_none);
    SSL_CTX_set_mode(c->native_handle(), SSL_MODE_RELEASE_BUFFERS);
    return c;
  }();
  return *ctx;
}

}  // namespace

std::optional<std::string> HttpFetchResult::header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (k == name) return v;
  }
  return std::nullopt;
}

asio::awaitable<HttpFetchResult> http_fetch(asio::any_io_executor executor, boost::urls::url url,
                                            asio::ip::address address, std::chrono::milliseconds timeout,
                                            std::size_t max_body) {
  HttpFetchOptions options;
  options.max_body = max_body;
  co_return co_await http_fetch(std::move(executor), std::move(url), address, timeout, std::move(options));
}

asio::awaitable<HttpFetchResult> http_fetch(asio::any_io_executor executor, boost::urls::url url,
                                            asio::ip::address address, std::chrono::milliseconds timeout,
                                            HttpFetchOptions options) {
  HttpFetchResult out;
  const bool https = url.scheme() == "https";
  const auto port = url.has_port() ? url.port_number() : static_cast<std::uint16_t>(https ? 443 : 80);
  const std::string host(url.encoded_host());

  beast::tcp_stream tcp(executor);
  // One deadline for the whole exchange: a server that trickles costs one timeout.
  tcp.expires_after(timeout);
  boost::system::error_code ec;
  co_await tcp.async_connect(tcp::endpoint(address, port), asio::redirect_error(asio::use_awaitable, ec));
  if (ec) {
    connect_failed(out, address, port, ec);
    co_return out;
  }
  if (!https) {
    co_await exchange(tcp, url, options, out);
    co_return out;
  }
  ssl::context& ctx = options.verify ? *options.verify : unverified_context();
  ssl::stream<beast::tcp_stream> stream(std::move(tcp), ctx);
  if (!SSL_set_tlsext_host_name(stream.native_handle(), host.c_str())) {
    out.error = "cannot set the server name (SNI)";
    co_return out;
  }
  if (options.verify) {
    stream.set_verify_mode(ssl::verify_peer);
    // OpenSSL checks the name (RFC 6125) or the address itself, and says which check failed
    // in the verify result, which a verify callback would not.
    const auto host_type = url.host_type();
    const bool literal = host_type == boost::urls::host_type::ipv4 || host_type == boost::urls::host_type::ipv6;
    const std::string address_text(url.encoded_host_address());
    SSL* ssl = stream.native_handle();
    const int set = literal ? X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), address_text.c_str())
                            : SSL_set1_host(ssl, host.c_str());
    if (set != 1) {
      out.error = "cannot set the host name to verify";
      co_return out;
    }
  }
  co_await stream.async_handshake(ssl::stream_base::client, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) {
    handshake_failed(out, ec);
    if (options.verify) {
      if (const long verify = SSL_get_verify_result(stream.native_handle()); verify != X509_V_OK) {
        out.certificate_error = X509_verify_cert_error_string(verify);
      }
    }
    co_return out;
  }
  co_await exchange(stream, url, options, out);
  co_return out;
}

asio::awaitable<HttpFetchResult> http_fetch_shared(asio::any_io_executor executor, SharedTlsConnection& connection,
                                                   boost::urls::url url, std::chrono::milliseconds timeout,
                                                   std::size_t max_body) {
  HttpFetchOptions options;
  options.max_body = max_body;
  HttpFetchResult out;
  const TlsHandshake* handshake = co_await connection.handshake(executor);
  if (handshake->connect_error) {
    connect_failed(out, connection.address(), connection.port(), handshake->connect_error);
    co_return out;
  }
  if (handshake->handshake_error) {
    handshake_failed(out, handshake->handshake_error);
    co_return out;
  }
  auto stream = connection.take_stream();
  if (!stream) {  // taken by an earlier request: this one makes a connection of its own
    co_return co_await http_fetch(std::move(executor), std::move(url), connection.address(), timeout, std::move(options));
  }
  // The deadline set before the connect still runs: connect, handshake and exchange within
  // one timeout, as a connection of the fetch's own would be.
  co_await exchange(*stream, url, options, out);
  co_return out;
}

std::shared_ptr<ssl::context> make_verifying_context(const std::optional<std::string>& ca_file) {
  // Kept for the process's life, like the unverified context: a process has one CA file or
  // two (a test, a few), and a check made again (another engine) finds its store loaded.
  static std::mutex mutex;
  static std::map<std::optional<std::string>, std::shared_ptr<ssl::context>> made;
  std::lock_guard lock(mutex);
  if (const auto it = made.find(ca_file); it != made.end()) return it->second;
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
  ctx->set_default_verify_paths();
  if (ca_file) ctx->load_verify_file(*ca_file);
  made.emplace(ca_file, ctx);
  return ctx;
}

std::optional<boost::urls::url> redirect_target(boost::urls::url_view from, std::string_view location) {
  const auto reference = boost::urls::parse_uri_reference(location);
  boost::urls::url next(from);
  if (!reference || !next.resolve(*reference) || (next.scheme() != "http" && next.scheme() != "https")) {
    return std::nullopt;
  }
  next.remove_fragment();
  return next;
}

}  // namespace domainscan::scan
