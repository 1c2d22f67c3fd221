#pragma once
// One TLS connection to a domain's address, bounded as a whole by a timeout: TCP connect,
// then a handshake with SNI. What the TLS check reports on, and what a scan's shared
// connection (scan/shared_tls_connection.hpp) hands to the HTTP check afterwards.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <openssl/x509.h>

#include <chrono>
#include <memory>
#include <string>

namespace domainscan::scan {

using TlsStream = boost::asio::ssl::stream<boost::beast::tcp_stream>;

struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
using X509Ptr = std::unique_ptr<X509, X509Free>;

struct TlsHandshake {
  boost::system::error_code connect_error;    // set: no TCP connection (beast::error::timeout when it timed out)
  boost::system::error_code handshake_error;  // set: connected, but no TLS session
  bool failed() const { return connect_error || handshake_error; }

  // Once the handshake is made:
  std::string protocol, cipher;   // as OpenSSL names them ("TLSv1.3", "TLS_AES_256_GCM_SHA384")
  int version = 0;                // TLS1_VERSION ... TLS1_3_VERSION
  X509Ptr leaf;                   // the server's certificate, if it sent one
  long verify_result = X509_V_OK; // against the context's trust store, when it verifies
  std::unique_ptr<TlsStream> stream;  // the connection, open, its deadline still running
};

// Connects to address:port and makes a handshake with `ctx`, sending `domain` as SNI. The
// timeout bounds connect and handshake together: a server that trickles bytes costs one
// timeout, not one a read. (A coroutine: arguments by value.)
boost::asio::awaitable<TlsHandshake> tls_handshake(boost::asio::any_io_executor executor, boost::asio::ssl::context& ctx,
                                                   std::string domain, boost::asio::ip::address address,
                                                   unsigned short port, std::chrono::milliseconds timeout);

}  // namespace domainscan::scan
