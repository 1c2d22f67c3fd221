#include "bus/amqp/tls_failure_reason.hpp"

#include <amqp_ssl_socket.h>
#include <fmt/format.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <array>

namespace domainscan::bus::amqp {
namespace {

// The first certificate error of the handshake under way on this thread. rabbitmq-c frees
// its SSL object (and the verify result with it) before it returns the failure, so the
// store's verify callback keeps the reason here; the open runs on one thread from start to
// end (rabbitmq-c is blocking), hence thread_local.
struct CertificateError {
  int code = X509_V_OK;
  int depth = 0;
  std::string subject;
};
thread_local CertificateError last_certificate_error;

int remember_certificate_error(int ok, X509_STORE_CTX* ctx) {
  if (ok == 0 && last_certificate_error.code == X509_V_OK) {
    last_certificate_error.code = X509_STORE_CTX_get_error(ctx);
    last_certificate_error.depth = X509_STORE_CTX_get_error_depth(ctx);
    last_certificate_error.subject.clear();
    if (X509* cert = X509_STORE_CTX_get_current_cert(ctx)) {
      std::array<char, 256> name{};
      X509_NAME_oneline(X509_get_subject_name(cert), name.data(), static_cast<int>(name.size()));
      last_certificate_error.subject = name.data();
    }
  }
  return ok;  // the decision stays OpenSSL's
}

}  // namespace

TlsFailureReason::TlsFailureReason(amqp_socket_t* tls_socket) {
  // rabbitmq-c sets no verify callback of its own, so the certificate store's is the one
  // OpenSSL calls while it checks the broker's chain.
  auto* ctx = static_cast<SSL_CTX*>(amqp_ssl_socket_get_context(tls_socket));
  if (ctx != nullptr) X509_STORE_set_verify_cb(SSL_CTX_get_cert_store(ctx), remember_certificate_error);
  last_certificate_error = {};
  ERR_clear_error();
}

std::string TlsFailureReason::describe() {
  std::string out;
  if (const unsigned long e = ERR_peek_last_error(); e != 0) {
    if (const char* reason = ERR_reason_error_string(e)) out = reason;
  }
  ERR_clear_error();
  const auto& cert = last_certificate_error;
  if (cert.code != X509_V_OK) {
    if (!out.empty()) out += ": ";
    out += fmt::format("{} (depth {}, {})", X509_verify_cert_error_string(cert.code), cert.depth,
                       cert.subject.empty() ? "no subject" : cert.subject);
  }
  last_certificate_error = {};
  return out;
}

}  // namespace domainscan::bus::amqp
