#include "api/server.hpp"

#include "core/open_files.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <array>
#include <cerrno>

namespace domainscan::api {

namespace asio = boost::asio;
namespace beast = boost::beast;
using asio::ip::tcp;

namespace {

constexpr const char* kServerName = "domainscan";
// How long, and how much, a refused request's body is read and dropped before the close.
constexpr std::chrono::seconds kLinger{2};
constexpr std::size_t kLingerBytes = 16 * 1024 * 1024;

Response closing(Response res) {
  res.keep_alive(false);
  return res;
}

}  // namespace

HttpServer::HttpServer(asio::any_io_executor executor, const Router& router, Metrics& metrics, ServerLimits limits)
    : executor_(std::move(executor)),
      router_(router),
      metrics_(metrics),
      limits_(limits),
      acceptor_(executor_),
      connections_(std::make_shared<ConnectionTable>(limits.max_connections, limits.max_connections_per_client)) {}

void HttpServer::start(const HostPort& listen) {
  tcp::resolver resolver(executor_);
  boost::system::error_code ec;
  const auto results = resolver.resolve(listen.host, std::to_string(listen.port), tcp::resolver::passive, ec);
  if (ec || results.empty()) {
    throw std::system_error(ec, fmt::format("cannot resolve listen address {}", listen.to_string()));
  }
  const tcp::endpoint endpoint = results.begin()->endpoint();
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(asio::socket_base::reuse_address(true));
  acceptor_.bind(endpoint, ec);
  if (ec) throw std::system_error(ec, fmt::format("cannot listen on {}", listen.to_string()));
  acceptor_.listen(asio::socket_base::max_listen_connections);
  port_ = acceptor_.local_endpoint().port();
  spdlog::info("http: listening on http://{}", HostPort{listen.host, port_}.to_string());
  asio::co_spawn(executor_, accept_loop(), asio::detached);
}

void HttpServer::stop() {
  stopping_ = true;
  asio::post(acceptor_.get_executor(), [this] {
    boost::system::error_code ec;
    acceptor_.close(ec);
  });
}

namespace {

// Errors that say this process (or the machine) is out of something, not that one client
// went away: accepting again at once fails the same way, as fast as the loop can spin.
bool out_of_resources(const boost::system::error_code& ec) {
  if (ec.category() != boost::system::system_category()) return false;
  const int e = ec.value();
  return e == EMFILE || e == ENFILE || e == ENOBUFS || e == ENOMEM;
}

}  // namespace

asio::awaitable<void> HttpServer::accept_loop() {
  // While descriptors (or memory) are out, the pending connections wait in the kernel's
  // backlog and accepting is tried again every so often, said once in the log.
  constexpr std::chrono::milliseconds kBackOff{100};
  asio::steady_timer back_off(acceptor_.get_executor());
  bool starved = false;
  while (!stopping_) {
    boost::system::error_code ec;
    // Each connection gets a strand of its own: its handlers never run concurrently.
    auto socket = co_await acceptor_.async_accept(asio::make_strand(executor_),
                                                  asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      if (ec == asio::error::operation_aborted || stopping_) break;
      if (!out_of_resources(ec)) {
        spdlog::warn("api: accept failed: {}", ec.message());
        continue;
      }
      if (!starved) {
        spdlog::error("api: cannot accept connections: {} (open files limit {}); trying again every {} ms",
                      ec.message(), open_file_limit(), kBackOff.count());
        starved = true;
      }
      back_off.expires_after(kBackOff);
      co_await back_off.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      continue;
    }
    if (starved) {
      spdlog::info("api: accepting connections again");
      starved = false;
    }
    auto executor = socket.get_executor();
    asio::co_spawn(executor, session(std::move(socket)), asio::detached);
  }
}

asio::awaitable<void> HttpServer::session(tcp::socket socket) {
  boost::system::error_code ec;
  const auto peer = socket.remote_endpoint(ec);
  if (ec) co_return;  // gone already
  const auto client = peer.address();
  struct Leave {
    std::shared_ptr<ConnectionTable> table;
    asio::ip::address client;
    ~Leave() { table->release(client); }
  } leave{connections_, client};
  const auto admission = connections_->admit(client);

  beast::tcp_stream stream(std::move(socket));
  // A route may take a larger body than the server's limit (a bulk submission): the header
  // is read with the largest any route takes, and the body with its own route's.
  const auto largest_body = router_.largest_body(limits_.max_body_bytes);
  // The buffer holds at most a header plus a body; the parser limits enforce the rest.
  beast::flat_buffer buffer(limits_.max_header_bytes + largest_body);

  const auto body_too_large = [](std::size_t limit) {
    return closing(error_response(http::status::payload_too_large, "body_too_large",
                                  fmt::format("the body may be at most {} bytes", limit)));
  };
  const auto send = [&](Response res) -> asio::awaitable<bool> {
    res.set(http::field::server, kServerName);
    stream.expires_after(limits_.request_timeout);
    co_await http::async_write(stream, res, asio::redirect_error(asio::use_awaitable, ec));
    co_return !ec && res.keep_alive();
  };

  if (admission != ConnectionTable::Admission::admitted) {
    metrics_.count_request("rejected", "-", 503);
    // GCC 12 miscompiles temporaries inside a co_await expression (double destruction):
    // every response is built into a named local first.
    Response overloaded = closing(error_response(
        http::status::service_unavailable, "overloaded",
        admission == ConnectionTable::Admission::client_full
            ? fmt::format("too many connections from your address (at most {})", limits_.max_connections_per_client)
            : std::string("too many connections")));
    co_await send(std::move(overloaded));
    stream.socket().shutdown(tcp::socket::shutdown_send, ec);
    co_return;
  }

  // Lets the connection table close this connection while it waits idle for its next
  // request (to make room), from any thread: the close runs on this session's strand, and
  // only if the session is still waiting then.
  struct IdleState {
    beast::tcp_stream* stream = nullptr;
    bool waiting = false;
  };
  auto idle_state = std::make_shared<IdleState>(IdleState{&stream, false});
  struct Gone {
    std::shared_ptr<IdleState> state;
    ~Gone() { state->stream = nullptr; }
  } gone{idle_state};
  const auto executor = stream.get_executor();

  bool first = true;
  bool unread_body = false;  // refused before reading all the client sends: linger (below)
  while (true) {
    if (!first && buffer.size() == 0) {
      // Idle between requests: wait for the next one's first bytes.
      idle_state->waiting = true;
      const auto idle_id = connections_->idle(client, [executor, idle_state] {
        asio::post(executor, [idle_state] {
          if (idle_state->waiting && idle_state->stream) idle_state->stream->cancel();
        });
      });
      stream.expires_after(limits_.keepalive_timeout);
      const auto n = co_await stream.async_read_some(buffer.prepare(limits_.max_header_bytes),
                                                     asio::redirect_error(asio::use_awaitable, ec));
      idle_state->waiting = false;
      connections_->busy(idle_id);
      if (ec) break;  // closed, idle too long, or closed to make room
      buffer.commit(n);
    }
    first = false;

    http::request_parser<http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(limits_.max_header_bytes));
    parser.body_limit(largest_body);

    stream.expires_after(limits_.header_timeout);
    co_await http::async_read_header(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
    if (ec == http::error::end_of_stream || ec == beast::error::timeout || ec == asio::error::connection_reset ||
        ec == asio::error::eof || ec == asio::error::operation_aborted) {
      break;  // the client went away, or was too slow: nothing to answer
    }
    if (ec == http::error::body_limit) {
      // Beast checks an announced Content-Length against the limit while parsing the header,
      // so an oversized body is refused here, before any of it is read.
      metrics_.count_request("rejected", "-", 413);
      Response too_large = body_too_large(largest_body);
      co_await send(std::move(too_large));
      unread_body = true;
      break;
    }
    if (ec) {
      const bool too_big = ec == http::error::header_limit || ec == http::error::buffer_overflow;
      metrics_.count_request("rejected", "-", too_big ? 431 : 400);
      Response rejection = closing(
          too_big ? error_response(http::status::request_header_fields_too_large, "header_too_large",
                                   "the request header is too large")
                  : error_response(http::status::bad_request, "bad_request", "malformed HTTP request: " + ec.message()));
      co_await send(std::move(rejection));
      unread_body = true;
      break;
    }
    // The body: no larger than its route takes (checked before any of it is read, when its
    // length is announced); at the minimum rate for its length; a chunked one within the
    // request timeout.
    std::size_t body_limit = limits_.max_body_bytes;
    if (largest_body > body_limit && (parser.chunked() || parser.content_length().value_or(0) > body_limit)) {
      body_limit = router_.body_limit(parser.get().method(), parser.get().target(), limits_.max_body_bytes);
    }
    if (parser.content_length().value_or(0) > body_limit) {
      metrics_.count_request("rejected", "-", 413);
      Response too_large = body_too_large(body_limit);
      co_await send(std::move(too_large));
      unread_body = true;
      break;
    }
    parser.body_limit(body_limit);
    if (const auto length = parser.content_length()) {
      stream.expires_after(limits_.header_timeout +
                           std::chrono::seconds(*length / std::max<std::size_t>(1, limits_.min_body_rate)));
    } else {
      stream.expires_after(limits_.request_timeout);
    }
    co_await http::async_read(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
    if (ec == http::error::body_limit) {  // a chunked body that grew too large
      metrics_.count_request("rejected", "-", 413);
      Response too_large = body_too_large(body_limit);
      co_await send(std::move(too_large));
      unread_body = true;
      break;
    }
    if (ec) break;

    auto request = parser.release();
    ++in_flight_;
    std::string route;
    const auto started = std::chrono::steady_clock::now();
    Response res = co_await router_.dispatch(request, route, client);
    --in_flight_;
    metrics_.count_request(route, std::string(request.method_string()), static_cast<int>(res.result_int()),
                           std::chrono::steady_clock::now() - started);
    res.keep_alive(request.keep_alive() && !stopping_);
    const bool keep_going = co_await send(std::move(res));
    if (!keep_going) break;
  }
  stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  if (unread_body) {
    // The client may still be sending the body of the request refused: a close with unread
    // bytes sends a reset, which can destroy the answer on its way to the client before it
    // reads it (RFC 9112 9.6). What comes is read and dropped for a moment first, as
    // nginx's lingering close does, within a bound of time and bytes.
    std::array<char, 16 * 1024> sink;
    std::size_t dropped = 0;
    stream.expires_after(kLinger);
    while (dropped < kLingerBytes) {
      const auto n = co_await stream.async_read_some(asio::buffer(sink), asio::redirect_error(asio::use_awaitable, ec));
      if (ec) break;
      dropped += n;
    }
  }
}

}  // namespace domainscan::api
