// /api/v1/scans/{id}: one scan in full.
#include "api/route_helpers.hpp"
#include "api/routes.hpp"
#include "api/views.hpp"

#include <charconv>

namespace domainscan::api {
namespace {

boost::asio::awaitable<Response> show_scan(ApiContext& ctx, const RouteRequest& req) {
  const auto& text = req.path.at("id");
  std::int64_t id = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc{} || end != text.data() + text.size() || id <= 0) {
    throw HttpError(http::status::bad_request, "invalid_scan_id", "a scan id is a positive whole number");
  }
  const auto scan = co_await ctx.db.run([&] { return ctx.store.find_scan(id); });
  if (!scan) throw HttpError(http::status::not_found, "not_found", "no scan " + text);
  co_return json_response(http::status::ok, scan_view(*scan, true));
}

}  // namespace

void add_scan_routes(Router& router, ApiContext& ctx) {
  router.add(http::verb::get, "/api/v1/scans/{id}", [&ctx](const RouteRequest& r) { return show_scan(ctx, r); });
}

}  // namespace domainscan::api
