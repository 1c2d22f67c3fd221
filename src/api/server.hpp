#pragma once
// The HTTP/1.1 server of the API on Boost.Beast: an accept loop and one coroutine per
// connection (read -> route -> write, with keep-alive), no thread per connection. Every
// read and write has a timeout (the header, the body at a minimum rate, the idle time
// between requests); header and body sizes, and the connections in all and per client
// address, are bounded; idle keep-alive connections give way first when it is full.
#include "api/connection_table.hpp"
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
  // Past this many open connections a new one is answered 503 and closed, unless an idle
  // keep-alive connection can be closed to make room.
  std::size_t max_connections = 1024;
  // One client address may hold this many (a slow-header attack from one address cannot
  // take every slot).
  std::size_t max_connections_per_client = 64;
  // A request's header must arrive within this (from the connection, or from its first
  // byte on a kept-alive connection).
  std::chrono::seconds header_timeout{10};
  // How long a connection may sit idle between requests.
  std::chrono::seconds keepalive_timeout{30};
  // A body announced with Content-Length must arrive at this rate at least (bytes a
  // second), after the header timeout's grace.
  std::size_t min_body_rate = 16 * 1024;
  // A chunked body, and the writing of an answer.
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
  // has a table to leave.
  std::shared_ptr<ConnectionTable> connections_;
  std::atomic<std::size_t> in_flight_{0};
  std::atomic<bool> stopping_{false};
};

}  // namespace domainscan::api
