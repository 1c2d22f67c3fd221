#pragma once
// An eventfd that a connection's thread polls beside its socket, so other threads can wake
// it at once (a message to publish, an acknowledgement to send) instead of it polling on a
// short timer.
#include <poll.h>

#include <chrono>

namespace domainscan::bus::amqp {

class Wakeup {
 public:
  Wakeup();
  ~Wakeup();
  Wakeup(const Wakeup&) = delete;
  Wakeup& operator=(const Wakeup&) = delete;

  void notify();
  // Waits until `socket_fd` is readable, notify() was called, or `timeout` passed; clears
  // the notification. Returns true if the socket is readable.
  bool wait(int socket_fd, std::chrono::milliseconds timeout);

 private:
  int fd_;
};

}  // namespace domainscan::bus::amqp
