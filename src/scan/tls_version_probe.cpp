#include "scan/tls_version_probe.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <algorithm>

namespace domainscan::scan {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace ssl = asio::ssl;
using asio::ip::tcp;

namespace {

constexpr std::size_t kRecordHeaderBytes = 5;  // type, version, length (RFC 8446 5.1)
// More than a ServerHello ever needs (one record is at most 16 KiB plus expansion): an answer
// that grows past this without one is not a TLS server's.
constexpr std::size_t kMaxAnswerBytes = 64 * 1024;

struct SslFree {
  void operator()(SSL* s) const { SSL_free(s); }
};

// OpenSSL's message callback: notes that the server's ServerHello has been read (it is
// called with each whole handshake message, before OpenSSL processes it).
void note_server_hello(int write_p, int, int content_type, const void* buf, std::size_t len, SSL*, void* arg) {
  if (!write_p && content_type == SSL3_RT_HANDSHAKE && len > 0 &&
      static_cast<const unsigned char*>(buf)[0] == SSL3_MT_SERVER_HELLO) {
    *static_cast<bool*>(arg) = true;
  }
}

std::string take_output(BIO* out) {
  char* data = nullptr;
  const long n = BIO_get_mem_data(out, &data);
  std::string bytes(data, static_cast<std::size_t>(std::max(n, 0L)));
  (void)BIO_reset(out);
  return bytes;
}

}  // namespace

std::unique_ptr<ssl::context> make_probe_context(int min_version, int max_version) {
  auto ctx = std::make_unique<ssl::context>(ssl::context::tls_client);
  ctx->set_verify_mode(ssl::verify_none);
  SSL_CTX* native = ctx->native_handle();
  SSL_CTX_set_min_proto_version(native, min_version);
  SSL_CTX_set_max_proto_version(native, max_version);
  SSL_CTX_set_security_level(native, 0);
  SSL_CTX_set_cipher_list(native, "DEFAULT:@SECLEVEL=0");
  return ctx;
}

asio::awaitable<int> probe_tls_version(asio::any_io_executor executor, ssl::context& ctx, std::string domain,
                                       asio::ip::address address, unsigned short port,
                                       std::chrono::milliseconds timeout) {
  beast::tcp_stream tcp(executor);
  tcp.expires_after(timeout);
  boost::system::error_code ec;
  co_await tcp.async_connect(tcp::endpoint(address, port), asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return 0;

  // OpenSSL speaks to memory buffers, not to the socket: what it is given of the server's
  // answer is up to this function, which gives it whole records until it has the ServerHello.
  std::unique_ptr<SSL, SslFree> ssl(SSL_new(ctx.native_handle()));
  BIO* in = BIO_new(BIO_s_mem());
  BIO* out = BIO_new(BIO_s_mem());
  if (!ssl || !in || !out) {
    BIO_free(in);
    BIO_free(out);
    co_return 0;
  }
  SSL_set_bio(ssl.get(), in, out);  // owned by the SSL from here
  bool server_hello = false;
  SSL_set_msg_callback(ssl.get(), note_server_hello);
  SSL_set_msg_callback_arg(ssl.get(), &server_hello);
  SSL_set_connect_state(ssl.get());
  if (!SSL_set_tlsext_host_name(ssl.get(), domain.c_str())) co_return 0;
  // (SSL_get_error reads this thread's error queue: it must hold nothing of another call.)
  ERR_clear_error();
  if (const int rc = SSL_do_handshake(ssl.get()); SSL_get_error(ssl.get(), rc) != SSL_ERROR_WANT_READ) {
    ERR_clear_error();
    co_return 0;
  }
  const std::string client_hello = take_output(out);
  co_await asio::async_write(tcp, asio::buffer(client_hello), asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return 0;

  beast::flat_buffer answer(kMaxAnswerBytes);
  for (;;) {
    while (answer.size() >= kRecordHeaderBytes) {
      const auto* bytes = static_cast<const unsigned char*>(answer.data().data());
      const std::size_t record = kRecordHeaderBytes + (std::size_t{bytes[3]} << 8 | bytes[4]);
      if (answer.size() < record) break;
      if (BIO_write(in, bytes, static_cast<int>(record)) != static_cast<int>(record)) co_return 0;
      answer.consume(record);
      ERR_clear_error();
      const int rc = SSL_do_handshake(ssl.get());
      if (rc != 1 && SSL_get_error(ssl.get(), rc) != SSL_ERROR_WANT_READ) {
        // An alert, or a ServerHello outside the offer (another version, a cipher not
        // offered): the server does not speak these versions with us.
        ERR_clear_error();
        co_return 0;
      }
      if (server_hello || rc == 1) co_return SSL_version(ssl.get());
    }
    if (answer.size() >= kMaxAnswerBytes) co_return 0;
    const auto room = std::min<std::size_t>(4096, kMaxAnswerBytes - answer.size());
    const std::size_t n =
        co_await tcp.async_read_some(answer.prepare(room), asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return 0;  // closed, reset or timed out before a ServerHello
    answer.commit(n);
  }
}

}  // namespace domainscan::scan
