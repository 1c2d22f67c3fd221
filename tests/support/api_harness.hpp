#pragma once
// The API wired as in `serve` (store, database pool, embedded bus, routes, Beast server on
// a free port) but without a worker, so scans stay queued and tests see exactly what the
// API did. Runs on its own io_context threads; talk to it over real HTTP on port().
#include "api/api_context.hpp"
#include "api/authenticator.hpp"
#include "api/request_gate.hpp"
#include "api/router.hpp"
#include "api/server.hpp"
#include "bus/embedded/embedded_bus.hpp"
#include "support/backends.hpp"

#include <boost/asio/io_context.hpp>

#include <thread>

namespace domainscan::testing {

// Rate limits for a harness: none unless a test asks.
struct HarnessRates {
  api::RateLimit requests{};
  api::RateLimit scans{};
};

class ApiHarness {
 public:
  explicit ApiHarness(Backend backend = Backend::sqlite, api::ServerLimits limits = {}, api::AuthPolicy auth = {},
                      HarnessRates rates = {});
  ~ApiHarness();

  std::uint16_t port() const { return server_->port(); }
  store::Store& store() { return *store_; }
  const api::Router& router() const { return router_; }
  api::ApiContext& context() { return *context_; }
  api::ReadCache& reads() { return *reads_; }
  const std::string& database_url() const { return db_.url(); }
  bus::embedded::EmbeddedBus& bus() { return *bus_; }
  // Waits (2 s at most) until the scan requests of the answers so far are published: the
  // API publishes them once it has answered (outbox/background_publisher.hpp).
  void wait_for_publishes() const;

 private:
  FreshDatabase db_;
  std::unique_ptr<store::Store> store_;
  boost::asio::io_context io_;
  BlockingPool pool_{2};
  std::unique_ptr<bus::embedded::EmbeddedBus> bus_;
  api::Metrics metrics_;
  api::Router router_;
  std::unique_ptr<api::AddBatcher> adds_;
  std::unique_ptr<outbox::ScanPublisher> publisher_;
  std::unique_ptr<outbox::BackgroundPublisher> after_answer_;  // as `domainscan api` publishes
  std::unique_ptr<api::ReadCache> reads_;  // as `domainscan api` runs: every test reads through it
  std::unique_ptr<api::ApiContext> context_;
  std::unique_ptr<api::Authenticator> authenticator_;
  std::unique_ptr<api::RequestGate> gate_;
  std::unique_ptr<api::HttpServer> server_;
  std::vector<std::thread> threads_;
};

}  // namespace domainscan::testing
