// Every route of the API, as `serve` and `api` run it (and the tests' harness).
#include "api/routes.hpp"

namespace domainscan::api {

void add_all_routes(Router& router, ApiContext& ctx) {
  add_domain_routes(router, ctx);
  add_bulk_routes(router, ctx);
  add_scan_routes(router, ctx);
  add_event_routes(router, ctx);
  add_webhook_routes(router, ctx);
  add_seed_routes(router, ctx);
  add_health_routes(router, ctx);
  add_openapi_route(router);
  add_web_routes(router);
}

}  // namespace domainscan::api
