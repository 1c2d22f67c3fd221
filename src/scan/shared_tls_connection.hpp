#pragma once
// A scan's TLS connection to its domain, when both the TLS and the HTTP check run: the
// handshake is made once, the TLS check reports on it, and the HTTP check sends its
// https://domain/ request over the same connection. A handshake is most of what either
// check costs (and of what the server spends on them); nmap's ssl-cert and http-headers make
// one each.
#include "core/one_shot_event.hpp"
#include "scan/tls_handshake.hpp"

#include <boost/url/url_view.hpp>

#include <memory>
#include <optional>

namespace domainscan::scan {

class SharedTlsConnection {
 public:
  // ctx: the TLS check's (verifying against its trust store, whatever the result, which it
  // reports).
  SharedTlsConnection(boost::asio::ssl::context& ctx, std::string domain, boost::asio::ip::address address,
                      std::chrono::milliseconds timeout);

  const std::string& domain() const { return domain_; }
  const boost::asio::ip::address& address() const { return address_; }
  unsigned short port() const;  // 443, the TLS check's
  // Whether a request for `url` at `address` may go over this connection: https://, the
  // domain's own name, port 443, the address connected to.
  bool serves(boost::urls::url_view url, const boost::asio::ip::address& address) const;

  // The handshake: made by the first caller, awaited by the others. Every caller runs on the
  // scan's strand (the checks do), so no lock. Never null.
  boost::asio::awaitable<const TlsHandshake*> handshake(boost::asio::any_io_executor executor);
  // The open connection, to the first caller only; null after that, or when the handshake
  // failed. (A connection carries one request: the HTTP check's, with Connection: close.)
  std::unique_ptr<TlsStream> take_stream();

 private:
  boost::asio::ssl::context& ctx_;
  std::string domain_;
  boost::asio::ip::address address_;
  std::chrono::milliseconds timeout_;
  std::optional<TlsHandshake> result_;
  std::optional<OneShotEvent> done_;  // made by the first caller, on its strand
};

}  // namespace domainscan::scan
