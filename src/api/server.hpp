#pragma once
// The HTTP/1.1 server of the API on Boost.Beast: an accept loop and one coroutine per
// connection (read -> route -> write, with keep-alive), no thread per connection. Every
// read and write has a timeout; header and body sizes, and the number of connections, are
// bounded.
#include "api/metrics.hpp"
#include "api/router.hpp"
#include "core/settings.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <atomic>
#include <chrono>

namespace domainscan::api {

struct ServerLimits {
  // A domain with its schedule is a few hundred bytes; 1 MiB leaves room for any real
  // request and refuses uploads.
  std::size_t max_body_bytes = 1024 * 1024;
  std::size_t max_header_bytes = 16 * 1024;
  // Past this many open connections a new one is answered 503 and closed.
  std::size_t max_connections = 1024;
  // How long a connection may sit idle between requests, and how long one request may take
  // to arrive.
  std::chrono::seconds idle_timeout{60};
  std::chrono::seconds request_timeout{30};
};

class HttpServer {
 public:
  HttpServer(boost::asio::any_io_executor executor, const Router& router, Metrics& metrics, ServerLimits limits = {});

  // Binds (throws std::system_error with a clear message if it cannot) and starts accepting.
  void start(const HostPort& listen);
  // The port bound (useful with port 0).
  std::uint16_t port() const { return port_; }
  // Stops accepting; requests in flight are still answered, then their connections close.
  void stop();
  // Requests being handled right now.
  std::size_t in_flight() const { return in_flight_; }

 private:
  boost::asio::awaitable<void> accept_loop();
  boost::asio::awaitable<void> session(boost::asio::ip::tcp::socket socket);

  boost::asio::any_io_executor executor_;
  const Router& router_;
  Metrics& metrics_;
  ServerLimits limits_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::uint16_t port_ = 0;
  // Shared with each session: a session destroyed after the server (at teardown) still
  // has a counter to decrement.
  std::shared_ptr<std::atomic<std::size_t>> connections_ = std::make_shared<std::atomic<std::size_t>>(0);
  std::atomic<std::size_t> in_flight_{0};
  std::atomic<bool> stopping_{false};
};

}  // namespace domainscan::api
