// The dashboard: GET / is web/index.html, GET /web/{file} the modules and styles it loads.
// Static files only; the pages read everything through the REST API. A strict Content
// Security Policy: scripts, styles and connections to this origin only.
#include "api/route_helpers.hpp"
#include "api/routes.hpp"
#include "api/web_assets.hpp"

#include <algorithm>

namespace domainscan::api {
namespace {

constexpr const char* kContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

Response asset_response(const WebAsset& asset) {
  Response res(http::status::ok, 11);
  res.set(http::field::content_type, asset.content_type);
  // Revalidated on every load: a new binary's dashboard is seen at once.
  res.set(http::field::cache_control, "no-cache");
  res.set("Content-Security-Policy", kContentSecurityPolicy);
  res.set("X-Content-Type-Options", "nosniff");
  res.set("X-Frame-Options", "DENY");
  res.set("Referrer-Policy", "no-referrer");
  res.body() = std::string(asset.body);
  res.prepare_payload();
  return res;
}

const WebAsset* find_asset(std::string_view name) {
  const auto& all = web_assets();
  const auto it = std::find_if(all.begin(), all.end(), [&](const WebAsset& a) { return a.name == name; });
  return it == all.end() ? nullptr : &*it;
}

}  // namespace

void add_web_routes(Router& router) {
  router.add(http::verb::get, "/", Access::open, [](const RouteRequest&) -> boost::asio::awaitable<Response> {
    const auto* index = find_asset("index.html");
    if (!index) throw HttpError(http::status::not_found, "not_found", "the dashboard is not built in");
    co_return asset_response(*index);
  });
  router.add(http::verb::get, "/web/{file}", Access::open, [](const RouteRequest& req) -> boost::asio::awaitable<Response> {
    const auto* asset = find_asset(req.path.at("file"));
    if (!asset) throw HttpError(http::status::not_found, "not_found", "no such file in the dashboard");
    co_return asset_response(*asset);
  });
}

}  // namespace domainscan::api
