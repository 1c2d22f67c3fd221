#pragma once
// Why a TLS connection to the broker failed, in OpenSSL's words. rabbitmq-c names only the
// kind of failure ("SSL handshake failed", "SSL peer cert verification failed"), not whether
// the certificate is untrusted, expired or not yet valid, or the port speaks no TLS at all
// (or is another program's); an operator needs to know which.
#include <amqp.h>

#include <string>

namespace domainscan::bus::amqp {

class TlsFailureReason {
 public:
  // Watches the certificate checks of connections opened through `tls_socket` (made by
  // amqp_ssl_socket_new) on the calling thread, from now on.
  explicit TlsFailureReason(amqp_socket_t* tls_socket);

  // After a failed open on the same thread: OpenSSL's last error and the first certificate
  // error, e.g. "wrong version number" or "certificate has expired (depth 0, /CN=broker)";
  // empty when OpenSSL gave no reason.
  std::string describe();
};

}  // namespace domainscan::bus::amqp
