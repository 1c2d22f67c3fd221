// /api/v1/events and /api/v1/domains/{domain}/events: what scans changed, newest first.
#include "api/route_helpers.hpp"
#include "api/routes.hpp"
#include "api/views.hpp"
#include "core/time_format.hpp"
#include "watch/event_json.hpp"
#include "watch/event_types.hpp"

#include <fmt/format.h>

#include <charconv>

namespace domainscan::api {
namespace {

namespace json = boost::json;

constexpr long kMaxEventPage = 500;
constexpr long kDefaultEventPage = 50;

// The filters every event list takes: type, since, limit, cursor.
store::EventQuery event_query(const RouteRequest& req) {
  store::EventQuery query;
  if (auto type = req.query_param("type"); type && !type->empty()) {
    if (!watch::is_event_type(*type)) {
      std::string known;
      for (const auto t : watch::kEventTypes) known += fmt::format("{}{}", known.empty() ? "" : ", ", t);
      throw HttpError(http::status::bad_request, "invalid_parameter",
                      fmt::format("type must be one of {}", known));
    }
    query.type = *type;
  }
  if (auto since = req.query_param("since"); since && !since->empty()) {
    query.since = parse_rfc3339(*since);
    if (!query.since) {
      throw HttpError(http::status::bad_request, "invalid_parameter",
                      "since must be an RFC 3339 time, e.g. 2026-11-29T00:00:00Z");
    }
  }
  query.limit = static_cast<std::size_t>(int_param(req, "limit", 1, kMaxEventPage, kDefaultEventPage));
  if (auto cursor = req.query_param("cursor"); cursor && !cursor->empty()) {
    std::int64_t seq = 0;
    const auto [end, ec] = std::from_chars(cursor->data(), cursor->data() + cursor->size(), seq);
    if (ec != std::errc{} || end != cursor->data() + cursor->size() || seq <= 0) {
      throw HttpError(http::status::bad_request, "invalid_parameter", "cursor must be a next_cursor this API gave");
    }
    query.before_seq = seq;
  }
  return query;
}

Response page_response(const store::EventPage& page) {
  json::array items;
  for (const auto& e : page.items) items.push_back(watch::event_json(e));
  return json_response(http::status::ok, list_envelope(std::move(items), page.next_cursor));
}

boost::asio::awaitable<Response> list_events(ApiContext& ctx, const RouteRequest& req) {
  auto query = event_query(req);
  if (auto domain = req.query_param("domain"); domain && !domain->empty()) {
    query.domain = normalize_domain(*domain, ctx.names);
  }
  const auto page = co_await ctx.db.run([&] { return ctx.store.list_events(query); });
  co_return page_response(page);
}

boost::asio::awaitable<Response> domain_events(ApiContext& ctx, const RouteRequest& req) {
  auto query = event_query(req);
  query.domain = domain_param(req, ctx);
  const auto known = co_await ctx.db.run([&] { return ctx.store.find_domain(*query.domain).has_value(); });
  if (!known) throw HttpError(http::status::not_found, "not_found", "no domain " + *query.domain);
  const auto page = co_await ctx.db.run([&] { return ctx.store.list_events(query); });
  co_return page_response(page);
}

}  // namespace

void add_event_routes(Router& router, ApiContext& ctx) {
  router.add(http::verb::get, "/api/v1/events", Access::read, [&ctx](const RouteRequest& r) { return list_events(ctx, r); });
  router.add(http::verb::get, "/api/v1/domains/{domain}/events", Access::read,
             [&ctx](const RouteRequest& r) { return domain_events(ctx, r); });
}

}  // namespace domainscan::api
