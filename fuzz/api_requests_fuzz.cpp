// Every JSON request body, through the router: the real routes of the REST API on an
// in-memory SQLite store and the embedded bus, fed as bytes.
//
// Input: "METHOD TARGET [CONTENT-TYPE]\n" then the body (a line without a space is a POST to
// that target; the content type is application/json unless given).
// Each input gets a fresh store and bus, so a crash reproduces from its input alone.
// Beyond not crashing: no request may end in a 500 (an exception no handler expected), and
// every response body is JSON (the error body is, everywhere).
#include "api/metrics.hpp"
#include "api/router.hpp"
#include "api/routes.hpp"
#include "bus/embedded/embedded_bus.hpp"
#include "core/blocking_pool.hpp"
#include "store/sqlite/sqlite_store.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json/parse.hpp>
#include <spdlog/spdlog.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace {

using namespace domainscan;
namespace http = boost::beast::http;

api::Request request_from(std::string_view input) {
  api::Request req;
  req.version(11);
  const auto newline = input.find('\n');
  const auto line = input.substr(0, newline);
  const auto body = newline == std::string_view::npos ? std::string_view{} : input.substr(newline + 1);
  std::string_view content_type = "application/json";
  const auto space = line.find(' ');
  if (space == std::string_view::npos) {
    req.method(http::verb::post);
    req.target(line);
  } else {
    const auto verb = http::string_to_verb(line.substr(0, space));
    req.method(verb == http::verb::unknown ? http::verb::get : verb);
    auto rest = line.substr(space + 1);
    if (const auto type = rest.find(' '); type != std::string_view::npos) {
      content_type = rest.substr(type + 1);
      rest = rest.substr(0, type);
    }
    req.target(rest);
  }
  req.set(http::field::host, "127.0.0.1");
  req.set(http::field::content_type, content_type);
  req.body() = std::string(body);
  req.prepare_payload();
  return req;
}

struct Process {
  boost::asio::io_context io;
  BlockingPool db{1};
  api::Metrics metrics;

  Process() { spdlog::set_level(spdlog::level::off); }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Process process;
  const auto request = request_from(std::string_view(reinterpret_cast<const char*>(data), size));

  store::sqlite::SqliteStore store(":memory:", 1);
  store.migrate();
  bus::embedded::EmbeddedBus bus(process.io.get_executor());
  api::AddBatcher adds(process.io.get_executor(), store, process.db);
  outbox::ScanPublisher publisher(process.io.get_executor(), store, process.db, bus);
  api::ApiContext ctx{store, bus, process.db, process.metrics, adds, publisher, DomainNameRules{{"test"}}, {}, {},
                      std::chrono::seconds(60)};
  api::Router router;
  api::add_domain_routes(router, ctx);
  api::add_bulk_routes(router, ctx);
  api::add_scan_routes(router, ctx);
  api::add_event_routes(router, ctx);
  api::add_webhook_routes(router, ctx);
  api::add_seed_routes(router, ctx);
  api::add_health_routes(router, ctx);

  std::optional<api::Response> response;
  std::string route;
  boost::asio::co_spawn(
      process.io,
      [&]() -> boost::asio::awaitable<void> { response = co_await router.dispatch(request, route); },
      [](std::exception_ptr e) {
        if (e) std::abort();  // dispatch promises never to throw
      });
  process.io.restart();
  process.io.run();
  boost::asio::co_spawn(process.io, bus.stop(), boost::asio::detached);
  process.io.restart();
  process.io.run();

  if (!response) std::abort();
  if (response->result() == http::status::internal_server_error) {
    std::fprintf(stderr, "500 from %s: %s\n", route.c_str(), response->body().c_str());
    std::abort();
  }
  const auto type = (*response)[http::field::content_type];
  if (type.starts_with("application/json")) {
    boost::system::error_code ec;
    boost::json::parse(response->body(), ec);
    if (ec) std::abort();
  }
  return 0;
}
