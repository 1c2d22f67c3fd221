// /api/v1/scans/{id}: one scan in full; /api/v1/scans/{id}/diff?against={other}: what
// differs between two scans of a domain (watch/scan_diff.hpp).
#include "api/route_helpers.hpp"
#include "api/routes.hpp"
#include "api/views.hpp"
#include "watch/scan_events.hpp"

#include <fmt/format.h>

#include <charconv>

namespace domainscan::api {
namespace {

std::int64_t scan_id_of(const std::string& text, const char* what) {
  std::int64_t id = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc{} || end != text.data() + text.size() || id <= 0) {
    throw HttpError(http::status::bad_request, "invalid_scan_id", fmt::format("{} is a positive whole number", what));
  }
  return id;
}

boost::asio::awaitable<Response> show_scan(ApiContext& ctx, const RouteRequest& req) {
  const auto id = scan_id_of(req.path.at("id"), "a scan id");
  const auto key = fmt::format("scan {}", id);
  auto cached = find_cached(ctx, key);
  if (cached.hit) co_return std::move(*cached.hit);
  const auto scan = co_await ctx.db.run([&] { return ctx.store.find_scan(id); });
  if (!scan) throw HttpError(http::status::not_found, "not_found", fmt::format("no scan {}", id));
  auto answer = json_response(http::status::ok, scan_view(*scan, true));
  const bool finished = scan->status == store::ScanStatus::completed || scan->status == store::ScanStatus::failed;
  keep_cached(ctx, key, cached, answer, finished ? Lifetime::until_deleted : Lifetime::until_any_change);
  co_return answer;
}

boost::asio::awaitable<Response> diff_scans(ApiContext& ctx, const RouteRequest& req) {
  const auto id = scan_id_of(req.path.at("id"), "a scan id");
  const auto against_text = req.query_param("against");
  if (!against_text) {
    throw HttpError(http::status::bad_request, "invalid_parameter", "against (the scan to compare with) is required");
  }
  const auto against = scan_id_of(*against_text, "against");
  const auto [scan, other] = co_await ctx.db.run([&] { return std::pair(ctx.store.find_scan(id), ctx.store.find_scan(against)); });
  if (!scan) throw HttpError(http::status::not_found, "not_found", fmt::format("no scan {}", id));
  if (!other) throw HttpError(http::status::not_found, "not_found", fmt::format("no scan {}", against));
  if (scan->domain != other->domain) {
    throw HttpError(http::status::bad_request, "invalid_parameter",
                    fmt::format("scan {} is of {} and scan {} of {}: only scans of one domain compare", id,
                                scan->domain, against, other->domain));
  }
  for (const auto* s : {&*scan, &*other}) {
    if (s->status != store::ScanStatus::completed) {
      throw HttpError(http::status::conflict, "not_completed",
                      fmt::format("scan {} is {}: only completed scans compare", s->id, to_string(s->status)));
    }
  }
  const auto diff = watch::diff_scans(watch::side_of(*other), watch::side_of(*scan));
  boost::json::object body{{"domain", scan->domain}, {"scan_id", id}, {"against", against}, {"changed", diff.changed}};
  for (const auto& [key, value] : diff.data) body[key] = value;
  co_return json_response(http::status::ok, body);
}

}  // namespace

void add_scan_routes(Router& router, ApiContext& ctx) {
  router.add(http::verb::get, "/api/v1/scans/{id}", Access::read, [&ctx](const RouteRequest& r) { return show_scan(ctx, r); });
  router.add(http::verb::get, "/api/v1/scans/{id}/diff", Access::read, [&ctx](const RouteRequest& r) { return diff_scans(ctx, r); });
}

}  // namespace domainscan::api
