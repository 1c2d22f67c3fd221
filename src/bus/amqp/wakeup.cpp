#include "bus/amqp/wakeup.hpp"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cstdint>
#include <system_error>

namespace domainscan::bus::amqp {

Wakeup::Wakeup() : fd_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
  if (fd_ < 0) throw std::system_error(errno, std::generic_category(), "eventfd");
}

Wakeup::~Wakeup() { ::close(fd_); }

void Wakeup::notify() {
  const std::uint64_t one = 1;
  [[maybe_unused]] const auto n = ::write(fd_, &one, sizeof one);  // EAGAIN: already pending
}

bool Wakeup::wait(int socket_fd, std::chrono::milliseconds timeout) {
  pollfd fds[2] = {{fd_, POLLIN, 0}, {socket_fd, POLLIN, 0}};
  const int n = ::poll(fds, socket_fd >= 0 ? 2 : 1, static_cast<int>(timeout.count()));
  if (n > 0 && (fds[0].revents & POLLIN)) {
    std::uint64_t count = 0;
    [[maybe_unused]] const auto r = ::read(fd_, &count, sizeof count);
  }
  return n > 0 && socket_fd >= 0 && (fds[1].revents & (POLLIN | POLLERR | POLLHUP));
}

}  // namespace domainscan::bus::amqp
