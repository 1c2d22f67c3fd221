#include "app/services.hpp"

#include "outbox/background_publisher.hpp"
#include "outbox/outbox.hpp"
#include "api/authenticator.hpp"
#include "api/request_gate.hpp"
#include "api/routes.hpp"
#include "api/server.hpp"
#include "app/service_metrics.hpp"
#include "app/signals.hpp"
#include "core/redact.hpp"
#include "bus/messages.hpp"
#include "bus/topology.hpp"
#include "scan/engine.hpp"
#include "scan/reputation.hpp"
#include "store/store.hpp"
#include "scheduler/scan_pruner.hpp"
#include "scheduler/scheduler.hpp"
#include "worker/store_reputation_ledger.hpp"
#include "watch/webhook_deliverer.hpp"
#include "worker/worker.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/host_name.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <thread>

#include <unistd.h>

namespace domainscan::app {

namespace asio = boost::asio;

namespace {

// Database calls block; this many run at once (and the store holds as many connections).
constexpr std::size_t kDatabaseThreads = 8;
// How long requests in flight get to finish after a stop signal.
constexpr std::chrono::seconds kRequestGrace{10};

std::size_t io_threads() { return std::max(2u, std::thread::hardware_concurrency()); }

// Publishes every scan that is queued or was running when the process last stopped: the
// database, not the in-process queue, is what survives a restart.
asio::awaitable<void> republish_unfinished(store::Store& store, BlockingPool& db, bus::Bus& bus) {
  try {
    const auto scans = co_await db.run([&] { return store.unfinished_scans(); });
    co_await outbox::publish_scans(store, db, bus, scans);
    if (!scans.empty()) spdlog::info("recovered {} unfinished scans from the database", scans.size());
  } catch (const std::exception& e) {
    spdlog::error("could not recover unfinished scans: {}", e.what());
  }
}

// Who claims scans in this process. `serve` claims under a name that survives its restart,
// so that it takes its own unfinished scans back at once instead of after their lease.
store::Store::ClaimLease claim_lease(const Settings& settings) {
  const std::string host = asio::ip::host_name();
  return store::Store::ClaimLease{settings.broker == "embedded" ? fmt::format("serve@{}", host)
                                                                : fmt::format("worker@{}:{}", host, ::getpid()),
                                  settings.scan_lease};
}

}  // namespace

int run_services(const Settings& settings, ServiceSet services) {
  if (settings.broker == "embedded" && !(services.api && services.worker)) {
    spdlog::error("the embedded bus only connects services inside one process: use `domainscan serve`, "
                  "or --broker amqp://... for separate processes");
    return 2;
  }

  std::unique_ptr<store::Store> store;
  try {
    store = store::open_store(settings.db, kDatabaseThreads);
  } catch (const std::exception& e) {
    spdlog::error("cannot open the database {}: {}", without_password(settings.db), e.what());
    return 1;
  }
  // With keys required, an api that no key can use is a mistake: say how to make one.
  const auto auth = api::auth_policy(settings);
  // A stand-alone worker's or scheduler's /metrics (--metrics-listen) follows --metrics-auth
  // for its own address.
  const bool metrics_server_wanted = !services.api && settings.metrics_listen.has_value();
  api::AuthPolicy metrics_auth;
  if (metrics_server_wanted) {
    Settings at = settings;
    at.listen = *settings.metrics_listen;
    metrics_auth = api::auth_policy(at);
  }
  if ((services.api && (auth.keys_required || auth.metrics_key_required)) ||
      (metrics_server_wanted && metrics_auth.metrics_key_required)) {
    std::size_t keys = 0;
    try {
      keys = store->list_api_keys().size();
    } catch (const std::exception& e) {
      spdlog::error("cannot read the API keys: {}", e.what());
      return 1;
    }
    if (keys == 0) {
      spdlog::error(
          "{} listens on {} and requires API keys (--auth {}, --metrics-auth {}), but none exists: create one "
          "with 'domainscan keys create --name NAME --scope admin' (same --db), or listen on 127.0.0.1; "
          "--auth off and --metrics-auth off turn keys off (not advised off loopback)",
          services.api ? "the API" : "/metrics",
          (services.api ? settings.listen : *settings.metrics_listen).to_string(), settings.auth,
          settings.metrics_auth);
      return 2;
    }
  }
  // Declaration order is teardown order, reversed: the services go first (their I/O objects
  // while the io_context lives), then the database pool is joined (its last completions are
  // posted to the stopped io_context), then the io_context destroys the suspended coroutines.
  asio::io_context io(static_cast<int>(io_threads()));
  BlockingPool db(kDatabaseThreads);

  std::unique_ptr<bus::Bus> bus;
  std::unique_ptr<worker::StoreReputationLedger> reputation_ledger;
  std::unique_ptr<scan::ScanEngine> engine;
  std::unique_ptr<watch::WebhookDeliverer> deliverer;
  std::unique_ptr<worker::Worker> worker;
  std::unique_ptr<scheduler::Scheduler> scheduler;
  std::unique_ptr<scheduler::ScanPruner> pruner;
  api::Metrics metrics;
  api::Router router;
  std::unique_ptr<api::ReadCache> read_cache;
  std::unique_ptr<api::AddBatcher> adds;
  std::unique_ptr<outbox::ConfirmRecorder> confirms;
  std::unique_ptr<outbox::ScanPublisher> publisher;
  std::unique_ptr<outbox::BackgroundPublisher> after_answer;
  std::unique_ptr<api::ApiContext> api_context;
  std::unique_ptr<api::Authenticator> authenticator;
  std::unique_ptr<api::RequestGate> gate;
  std::unique_ptr<api::HttpServer> server;
  std::unique_ptr<outbox::OutboxSweeper> sweeper;
  // --metrics-listen of a stand-alone worker or scheduler.
  api::Router metrics_router;
  std::unique_ptr<api::Authenticator> metrics_authenticator;
  std::unique_ptr<api::RequestGate> metrics_gate;
  std::unique_ptr<api::HttpServer> metrics_server;
  try {
    bus = bus::open_bus(settings.broker, io.get_executor());
    if (services.worker) {
      reputation_ledger = std::make_unique<worker::StoreReputationLedger>(*store, db, scan::ReputationCheck::kApi);
      engine = std::make_unique<scan::ScanEngine>(io.get_executor(), settings, reputation_ledger.get());
      // Webhook deliveries are made where events are made: in the workers.
      watch::DelivererOptions deliver_options;
      deliver_options.timeout = settings.webhook_timeout;
      deliver_options.concurrency = static_cast<std::size_t>(settings.webhook_concurrency);
      deliverer = std::make_unique<watch::WebhookDeliverer>(io.get_executor(), *store, db, settings, deliver_options);
      deliverer->start();
      worker = std::make_unique<worker::Worker>(
          io.get_executor(), *store, *bus, db, *engine,
          worker::WorkerOptions{static_cast<std::size_t>(settings.scan_concurrency), settings.bad_after,
                                settings.expiry_thresholds, [d = deliverer.get()] { d->wake(); },
                                claim_lease(settings)});
      worker->start();
    }
    if (services.scheduler) {
      scheduler = std::make_unique<scheduler::Scheduler>(io.get_executor(), *store, *bus, db);
      scheduler->start();
      scheduler::PrunerOptions prune;
      prune.retention = store::ScanRetention{settings.keep_scans_age, settings.keep_scans_count, kKeepScansAlways};
      pruner = std::make_unique<scheduler::ScanPruner>(io.get_executor(), *store, db, prune);
      pruner->start();
    }
    if (services.api) {
      // /metrics shows the counters of the services in this process.
      auto extra_metrics = [counters = ServiceCounters{worker.get(), deliverer.get(), scheduler.get(), pruner.get()}] {
        return render_service_metrics(counters);
      };
      adds = std::make_unique<api::AddBatcher>(io.get_executor(), *store, db);
      confirms = std::make_unique<outbox::ConfirmRecorder>(io.get_executor(), *store, db);
      publisher = std::make_unique<outbox::ScanPublisher>(io.get_executor(), *store, db, *bus, confirms.get());
      api_context = std::make_unique<api::ApiContext>(
          api::ApiContext{*store, *bus, db, metrics, *adds, *publisher, DomainNameRules{settings.allow_suffixes},
                          settings.allow_targets, extra_metrics, settings.rescan_cooldown,
                          static_cast<std::size_t>(settings.bulk_max)});
      read_cache = std::make_unique<api::ReadCache>(store->change_counter());
      api_context->reads = read_cache.get();
      api_context->confirms = confirms.get();
      after_answer = std::make_unique<outbox::BackgroundPublisher>(io.get_executor(), *publisher);
      api_context->after_answer = after_answer.get();
      api_context->seed_compat = settings.seed_compat;
      api_context->virustotal_daily = settings.virustotal_daily;
      api::add_all_routes(router, *api_context);
      authenticator = std::make_unique<api::Authenticator>(*store, db, auth);
      gate = std::make_unique<api::RequestGate>(*authenticator, api::RateLimit{settings.rate_limit, settings.rate_burst},
                                                api::RateLimit{settings.scan_rate_limit, settings.scan_rate_burst},
                                                api::OriginGuard(api::OriginRules::from(settings.listen.host, settings.public_urls,
                                                                                        asio::ip::host_name())));
      router.set_gate([g = gate.get()](const api::Request& r, const api::GateContext& c) { return g->check(r, c); });
      if (auth.keys_required) spdlog::info("api: API keys required (--auth {})", settings.auth);
      api::ServerLimits limits;
      limits.header_timeout = std::chrono::ceil<std::chrono::seconds>(settings.header_timeout);
      limits.keepalive_timeout = std::chrono::ceil<std::chrono::seconds>(settings.keepalive_timeout);
      limits.max_connections_per_client = static_cast<std::size_t>(settings.max_connections_per_client);
      server = std::make_unique<api::HttpServer>(io.get_executor(), router, metrics, limits);
      server->start(settings.listen);
    }
    if (metrics_server_wanted) {
      add_service_metrics_routes(metrics_router,
                                 ServiceCounters{worker.get(), deliverer.get(), scheduler.get(), pruner.get()}, *bus,
                                 metrics);
      metrics_authenticator = std::make_unique<api::Authenticator>(*store, db, metrics_auth);
      metrics_gate = std::make_unique<api::RequestGate>(
          *metrics_authenticator, api::RateLimit{settings.rate_limit, settings.rate_burst}, api::RateLimit{},
          api::OriginGuard(api::OriginRules::from(settings.metrics_listen->host, settings.public_urls,
                                                  asio::ip::host_name())));
      metrics_router.set_gate(
          [g = metrics_gate.get()](const api::Request& r, const api::GateContext& c) { return g->check(r, c); });
      metrics_server = std::make_unique<api::HttpServer>(io.get_executor(), metrics_router, metrics);
      metrics_server->start(*settings.metrics_listen);
    }
    // The outbox sweeper runs where scans are created: the API's and the scheduler's.
    if (services.api || services.scheduler) {
      sweeper = std::make_unique<outbox::OutboxSweeper>(io.get_executor(), *store, db, *bus);
      sweeper->start();
    }
  } catch (const std::exception& e) {
    spdlog::error("cannot start: {}", e.what());
    return 1;
  }
  if (services.worker && settings.broker == "embedded") {
    asio::co_spawn(io, republish_unfinished(*store, db, *bus), asio::detached);
  }

  // On a strand: it waits on two operations at once (`||` below), which is safe only there
  // (see ScanEngine::scan).
  asio::co_spawn(
      asio::make_strand(io),
      [&]() -> asio::awaitable<void> {
        const int signal = co_await wait_for_stop_signal();
        spdlog::info("signal {} received: shutting down", signal);
        asio::steady_timer timer(io);
        if (sweeper) sweeper->stop();
        if (scheduler) scheduler->stop();
        if (pruner) pruner->stop();
        if (deliverer) deliverer->stop();
        if (metrics_server) metrics_server->stop();
        if (server) {
          server->stop();
          const auto deadline = std::chrono::steady_clock::now() + kRequestGrace;
          while (server->in_flight() > 0 && std::chrono::steady_clock::now() < deadline) {
            timer.expires_after(std::chrono::milliseconds(20));
            co_await timer.async_wait(asio::use_awaitable);
          }
          // The scan requests of the last answers (else the sweeper publishes them).
          if (after_answer && !co_await after_answer->drain(deadline)) {
            spdlog::warn("api: {} scan requests not published at shutdown: the outbox sweeper publishes them",
                         after_answer->in_flight());
          }
        }
        // The confirms of the last requests' publishes (else the sweeper publishes them again).
        if (confirms) co_await confirms->flush();
        // Scans in flight finish within their check timeouts; give them that and a margin.
        using namespace asio::experimental::awaitable_operators;
        timer.expires_after(settings.check_timeout * 3 + std::chrono::seconds(5));
        const auto finished = co_await (bus->stop() || timer.async_wait(asio::use_awaitable));
        if (finished.index() == 1) {
          spdlog::warn(
              "scans still running at shutdown are taken over once their lease runs out (or at the next start)");
        }
        if (worker) worker->stop();
        io.stop();
      },
      asio::detached);

  std::vector<std::thread> threads;
  for (std::size_t i = 1; i < io_threads(); ++i) threads.emplace_back([&io] { io.run(); });
  io.run();
  for (auto& t : threads) t.join();
  spdlog::info("stopped");
  return 0;
}

}  // namespace domainscan::app
