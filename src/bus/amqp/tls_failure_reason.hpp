#pragma once
// Why a TLS connection to the broker failed, in OpenSSL's words. rabbitmq-c reports every
// failed handshake as "SSL handshake failed", whether the broker's certificate is untrusted,
// expired, not yet valid or for another name, or the broker speaks no TLS at all; an
// operator needs to know which.
#include <amqp.h>

#include <string>

namespace domainscan::bus::amqp {

class TlsFailureReason {
 public:
  // Watches the certificate checks of connections opened through `tls_socket` (made by
  // amqp_ssl_socket_new) on the calling thread, from now on.
  explicit TlsFailureReason(amqp_socket_t* tls_socket);

  // After a failed open on the same thread: the first certificate error and OpenSSL's last
  // error (e.g. "certificate verify failed: certificate is not yet valid (depth 0, CN=...)");
  // empty when OpenSSL gave no reason.
  std::string describe();
};

}  // namespace domainscan::bus::amqp
