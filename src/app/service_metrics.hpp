#pragma once
// What the services of this process count, in the Prometheus text format: appended to the
// api's /metrics, or served alone on --metrics-listen by a stand-alone worker or scheduler.
#include "api/metrics.hpp"
#include "api/router.hpp"
#include "bus/bus.hpp"

#include <string>

namespace domainscan::worker {
class Worker;
}
namespace domainscan::watch {
class WebhookDeliverer;
}
namespace domainscan::scheduler {
class Scheduler;
class ScanPruner;
}

namespace domainscan::app {

// The services present (null: not in this process).
struct ServiceCounters {
  const worker::Worker* worker = nullptr;
  const watch::WebhookDeliverer* deliverer = nullptr;
  const scheduler::Scheduler* scheduler = nullptr;
  const scheduler::ScanPruner* pruner = nullptr;
};

std::string render_service_metrics(const ServiceCounters& services);

// GET /metrics (these counters, the bus's queue depths and this server's own requests) and
// GET /healthz, for a worker or scheduler without the api (--metrics-listen).
void add_service_metrics_routes(api::Router& router, ServiceCounters services, bus::Bus& bus,
                                const api::Metrics& requests);

}  // namespace domainscan::app
