// GET /api/v1/openapi.json: the API's contract (docs/openapi.yaml), for client generators,
// API explorers and the dashboard's reference page (#/api, web/page-reference.js). Open: it describes
// the API, it holds no data.
#include "api/openapi_document.hpp"
#include "api/routes.hpp"

namespace domainscan::api {

void add_openapi_route(Router& router) {
  router.add(http::verb::get, "/api/v1/openapi.json", Access::open, [](const RouteRequest&) -> boost::asio::awaitable<Response> {
    Response res(http::status::ok, 11);
    res.set(http::field::content_type, "application/json; charset=utf-8");
    // Revalidated on every load: a new binary's contract is seen at once.
    res.set(http::field::cache_control, "no-cache");
    res.body() = std::string(openapi_document());
    res.prepare_payload();
    co_return res;
  });
}

}  // namespace domainscan::api
