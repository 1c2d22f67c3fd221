#include "scan/tls_handshake.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <openssl/ssl.h>

namespace domainscan::scan {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace ssl = asio::ssl;
using asio::ip::tcp;

asio::awaitable<TlsHandshake> tls_handshake(asio::any_io_executor executor, ssl::context& ctx, std::string domain,
                                            asio::ip::address address, unsigned short port,
                                            std::chrono::milliseconds timeout) {
  TlsHandshake out;
  auto stream = std::make_unique<TlsStream>(executor, ctx);
  auto& socket = beast::get_lowest_layer(*stream);
  socket.expires_after(timeout);
  co_await socket.async_connect(tcp::endpoint(address, port), asio::redirect_error(asio::use_awaitable, out.connect_error));
  if (out.connect_error) co_return out;
  if (!SSL_set_tlsext_host_name(stream->native_handle(), domain.c_str())) {
    out.handshake_error = boost::system::errc::make_error_code(boost::system::errc::invalid_argument);  // a name over 255 bytes
    co_return out;
  }
  co_await stream->async_handshake(ssl::stream_base::client,
                                   asio::redirect_error(asio::use_awaitable, out.handshake_error));
  if (out.handshake_error) co_return out;
  SSL* s = stream->native_handle();
  out.protocol = SSL_get_version(s);
  out.version = SSL_version(s);
  out.cipher = SSL_get_cipher_name(s);
  out.leaf.reset(SSL_get1_peer_certificate(s));
  out.verify_result = SSL_get_verify_result(s);
  out.stream = std::move(stream);
  co_return out;
}

}  // namespace domainscan::scan
