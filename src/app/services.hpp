#pragma once
// Wires the services of one process: the store (behind a database thread pool), the bus,
// the scan engine and worker, and the HTTP API, on one io_context run by a few threads.
// `serve` runs them all; `api` and `worker` one each (distributed mode, RabbitMQ bus).
#include "core/settings.hpp"

namespace domainscan::app {

struct ServiceSet {
  bool api = false;
  bool worker = false;
  bool scheduler = false;
};

// Runs until SIGINT or SIGTERM, then shuts down gracefully: stops accepting requests,
// lets requests and scans in flight finish (scans still running after the grace period
// stay 'running' in the database and are picked up again at the next start). Returns the
// process exit code.
int run_services(const Settings& settings, ServiceSet services);

}  // namespace domainscan::app
