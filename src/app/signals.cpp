#include "app/signals.hpp"

#include <boost/asio/signal_set.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <csignal>

namespace domainscan::app {

boost::asio::awaitable<int> wait_for_stop_signal() {
  boost::asio::signal_set signals(co_await boost::asio::this_coro::executor, SIGINT, SIGTERM);
  co_return co_await signals.async_wait(boost::asio::use_awaitable);
}

}  // namespace domainscan::app
