#pragma once
// A one-shot event for coroutines: wait() returns once set() has been called, at once if it
// has been already. Asio has no such primitive; a steady_timer that never expires, cancelled
// by set(), is the usual stand-in. Not thread-safe: set() and wait() run on one strand
// (the executor given).
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace domainscan {

class OneShotEvent {
 public:
  explicit OneShotEvent(const boost::asio::any_io_executor& executor)
      : timer_(executor, boost::asio::steady_timer::time_point::max()) {}

  void set() {
    set_ = true;
    timer_.cancel();
  }
  bool is_set() const { return set_; }

  boost::asio::awaitable<void> wait() {
    while (!set_) {
      boost::system::error_code cancelled;  // what set() does to the timer
      co_await timer_.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, cancelled));
    }
  }

 private:
  boost::asio::steady_timer timer_;
  bool set_ = false;
};

}  // namespace domainscan
