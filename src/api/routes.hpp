#pragma once
// Registers the routes of ARCHITECTURE.md's REST API, one group per file.
#include "api/api_context.hpp"
#include "api/router.hpp"

namespace domainscan::api {

void add_domain_routes(Router& router, ApiContext& ctx);  // /api/v1/domains...
void add_bulk_routes(Router& router, ApiContext& ctx);    // /api/v1/domains/bulk
void add_scan_routes(Router& router, ApiContext& ctx);    // /api/v1/scans/{id}, .../diff
void add_event_routes(Router& router, ApiContext& ctx);   // /api/v1/events, /api/v1/domains/{domain}/events
void add_webhook_routes(Router& router, ApiContext& ctx);  // /api/v1/webhooks...
void add_seed_routes(Router& router, ApiContext& ctx);    // /domain (the seed's own routes)
void add_health_routes(Router& router, ApiContext& ctx);  // /healthz, /readyz, /metrics
void add_web_routes(Router& router);                      // / and /web/{file}: the dashboard
void add_openapi_route(Router& router);                   // /api/v1/openapi.json

// All of the above: the API as `serve` and `api` run it. docs/openapi.yaml documents each
// route (tests/integration/api_openapi_test.cpp keeps the two the same).
void add_all_routes(Router& router, ApiContext& ctx);

// Pieces of the health routes that a worker's or scheduler's own /metrics server
// (--metrics-listen, app/service_metrics.cpp) serves too.
void add_liveness_route(Router& router);                  // /healthz
std::string render_queue_depths(const bus::Bus& bus);     // domainscan_queue_depth, the queues the bus knows
Response prometheus_response(std::string text);           // 200 in the Prometheus text format

}  // namespace domainscan::api
