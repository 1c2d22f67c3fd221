#pragma once
// What the route handlers work with: the store (through the database pool), the bus, the
// domain-name rules and the metrics. Services only ever see the Store and Bus interfaces.
#include "api/add_batcher.hpp"
#include "api/metrics.hpp"
#include "api/read_cache.hpp"
#include "api/store_stats_cache.hpp"
#include "bus/bus.hpp"
#include "core/blocking_pool.hpp"
#include "core/domain_name.hpp"
#include "core/settings.hpp"
#include "outbox/background_publisher.hpp"
#include "outbox/scan_publisher.hpp"
#include "store/store.hpp"

#include <chrono>
#include <functional>
#include <memory>

namespace domainscan::api {

struct ApiContext {
  store::Store& store;
  bus::Bus& bus;
  BlockingPool& db;
  Metrics& metrics;
  // Single POSTs' adds and scan requests, in batches across requests.
  AddBatcher& adds;
  outbox::ScanPublisher& publisher;
  DomainNameRules names;
  // Ranges --allow-target opens: a webhook URL with an address outside them is refused.
  std::vector<Cidr> allow_targets;
  // Extra Prometheus lines from the services sharing the process (e.g. the worker's counters).
  std::function<std::string()> extra_metrics;
  // A rescan this soon after the domain's last completed scan answers with that scan.
  std::chrono::milliseconds rescan_cooldown{0};
  // Most names one bulk submission may hold.
  std::size_t bulk_max = 10'000;
  // GET /domain?domain= adds unknown domains and queues scans (--seed-compat).
  bool seed_compat = false;
  // --virustotal-daily: the day's call budget /metrics shows beside the calls made.
  int virustotal_daily = 0;
  // The database's counts for /metrics, recounted every few seconds at most.
  std::shared_ptr<StoreStatsCache> stats = std::make_shared<StoreStatsCache>();
  // Rendered answers of the read routes; null: every read goes to the database.
  ReadCache* reads = nullptr;
  // Where the bulk route's confirms are recorded, a moment later with others (null: at once).
  outbox::ConfirmRecorder* confirms = nullptr;
  // Publishes single POSTs' and rescans' scan requests after the answer (null: before it).
  outbox::BackgroundPublisher* after_answer = nullptr;
};

}  // namespace domainscan::api
