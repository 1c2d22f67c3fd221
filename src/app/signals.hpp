#pragma once
// Waiting for the signals that ask a service to stop.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

namespace domainscan::app {

// Completes on the first SIGINT or SIGTERM; returns the signal number.
boost::asio::awaitable<int> wait_for_stop_signal();

}  // namespace domainscan::app
