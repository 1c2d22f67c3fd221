#pragma once
// What the route handlers work with: the store (through the database pool), the bus, the
// domain-name rules and the metrics. Services only ever see the Store and Bus interfaces.
#include "api/metrics.hpp"
#include "bus/bus.hpp"
#include "core/blocking_pool.hpp"
#include "core/domain_name.hpp"
#include "store/store.hpp"

#include <functional>

namespace domainscan::api {

struct ApiContext {
  store::Store& store;
  bus::Bus& bus;
  BlockingPool& db;
  Metrics& metrics;
  DomainNameRules names;
  // Extra Prometheus lines from the services sharing the process (e.g. the worker's counters).
  std::function<std::string()> extra_metrics;
};

}  // namespace domainscan::api
