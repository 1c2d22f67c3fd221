// /api/v1/domains: add, list, show, delete, rescan, history, schedule.
#include "api/route_helpers.hpp"
#include "api/routes.hpp"
#include "api/views.hpp"

#include <fmt/format.h>

namespace domainscan::api {
namespace {

namespace json = boost::json;
using store::ScanStatus;
using store::ScanTrigger;

// Longest page a client may ask for: enough for a dashboard, small enough for one query.
constexpr long kMaxPageSize = 500;
constexpr long kDefaultDomainPage = 50;
constexpr long kDefaultScanHistory = 20;

HttpError unknown_domain(const std::string& name) {
  return HttpError(http::status::not_found, "not_found", "no domain " + name);
}

boost::asio::awaitable<Response> post_domain(ApiContext& ctx, const RouteRequest& req) {
  const auto body = json_body(req);
  const auto* domain = body.if_contains("domain");
  if (domain == nullptr || !domain->is_string()) {
    throw HttpError(http::status::bad_request, "invalid_domain", "\"domain\" must be a string");
  }
  const auto name = normalize_domain(domain->as_string(), ctx.names);
  const auto schedule = schedule_from(body.if_contains("schedule"));

  const auto added = co_await add_domain(ctx, name, schedule, ScanTrigger::api);
  if (added.created) co_await publish_scan_request(ctx, added.scan_id, name, ScanTrigger::api);
  if (added.created && schedule) co_await announce_schedule(ctx, name, schedule);

  auto view = domain_view(added.domain);
  view["scan_id"] = added.scan_id > 0 ? json::value(added.scan_id) : json::value(nullptr);
  co_return json_response(added.created ? http::status::accepted : http::status::ok, view);
}

boost::asio::awaitable<Response> list_domains(ApiContext& ctx, const RouteRequest& req) {
  store::DomainQuery query;
  if (auto status = req.query_param("status"); status && !status->empty()) {
    query.status = store::domain_status_from(*status);
    if (!query.status) {
      throw HttpError(http::status::bad_request, "invalid_parameter", "status must be pending, ok or bad");
    }
  }
  query.limit = static_cast<std::size_t>(int_param(req, "limit", 1, kMaxPageSize, kDefaultDomainPage));
  if (auto cursor = req.query_param("cursor"); cursor && !cursor->empty()) query.after = *cursor;

  const auto key = fmt::format("list {} {} {}", query.status ? to_string(*query.status) : "", query.limit,
                               query.after.value_or(""));
  auto cached = find_cached(ctx, key);
  if (cached.hit) co_return std::move(*cached.hit);
  const auto page = co_await ctx.db.run([&] { return ctx.store.list_domains(query); });
  json::array items;
  for (const auto& d : page.items) items.push_back(domain_view(d));
  auto answer = json_response(http::status::ok, list_envelope(std::move(items), page.next_cursor));
  keep_cached(ctx, key, cached, answer);
  co_return answer;
}

boost::asio::awaitable<Response> show_domain(ApiContext& ctx, const RouteRequest& req) {
  // Keyed by the name as asked: an answer kept is a 200, so the name was valid, and the
  // same text normalises the same way (a hit costs no IDNA mapping).
  const auto key = "domain " + req.path.at("domain");
  auto cached = find_cached(ctx, key);
  if (cached.hit) co_return std::move(*cached.hit);
  const auto name = domain_param(req, ctx);
  // The domain and its latest scan in one trip to the database pool: each trip is two
  // thread hand-overs, the larger part of a read's cost.
  std::optional<store::Scan> last;
  auto domain = co_await ctx.db.run([&] {
    auto found = ctx.store.find_domain(name);
    if (found && found->last_scan) last = ctx.store.find_scan(found->last_scan->id);
    return found;
  });
  if (!domain) throw unknown_domain(name);
  auto answer = json_response(http::status::ok, domain_view(*domain, last));
  keep_cached(ctx, key, cached, answer);
  co_return answer;
}

boost::asio::awaitable<Response> delete_domain(ApiContext& ctx, const RouteRequest& req) {
  const auto name = domain_param(req, ctx);
  const bool deleted = co_await ctx.db.run([&] { return ctx.store.delete_domain(name); });
  forget_cached(ctx);  // before the deletion's notification comes back (PostgreSQL)
  if (!deleted) throw unknown_domain(name);
  Response res(http::status::no_content, 11);
  res.prepare_payload();
  co_return res;
}

boost::asio::awaitable<Response> rescan(ApiContext& ctx, const RouteRequest& req) {
  const auto name = domain_param(req, ctx);
  if (ctx.rescan_cooldown.count() > 0) {
    // Scanned moments ago: that scan is the answer (a client hammering "rescan" queues
    // nothing).
    const auto domain = co_await ctx.db.run([&] { return ctx.store.find_domain(name); });
    if (!domain) throw unknown_domain(name);
    const auto& last = domain->last_scan;
    if (last && last->status == ScanStatus::completed && last->finished_at &&
        now_ms() - *last->finished_at < ctx.rescan_cooldown) {
      auto res = json_response(http::status::ok, scan_view(*last, false));
      res.set(http::field::retry_after,
              std::to_string(std::chrono::ceil<std::chrono::seconds>(*last->finished_at + ctx.rescan_cooldown - now_ms())
                                 .count()));
      co_return res;
    }
  }
  const auto queued = co_await ctx.db.run([&] { return ctx.store.queue_scan(name, ScanTrigger::rescan); });
  if (!queued) throw unknown_domain(name);
  if (queued->created) co_await publish_scan_request(ctx, queued->scan_id, name, ScanTrigger::rescan);
  const auto id = queued->scan_id;
  const auto scan = co_await ctx.db.run([&] { return ctx.store.find_scan(id); });
  if (!scan) throw unknown_domain(name);  // deleted in between
  // 202: a new scan was queued; 200: one was queued already and is the one that will run.
  co_return json_response(queued->created ? http::status::accepted : http::status::ok, scan_view(*scan, false));
}

boost::asio::awaitable<Response> scan_history(ApiContext& ctx, const RouteRequest& req) {
  const auto name = domain_param(req, ctx);
  const auto limit = static_cast<std::size_t>(int_param(req, "limit", 1, kMaxPageSize, kDefaultScanHistory));
  const auto domain = co_await ctx.db.run([&] { return ctx.store.find_domain(name); });
  if (!domain) throw unknown_domain(name);
  const auto scans = co_await ctx.db.run([&] { return ctx.store.list_scans(name, limit); });
  json::array items;
  for (const auto& s : scans) items.push_back(scan_view(s, false));
  co_return json_response(http::status::ok, list_envelope(std::move(items), std::nullopt));
}

boost::asio::awaitable<Response> put_schedule(ApiContext& ctx, const RouteRequest& req) {
  const auto name = domain_param(req, ctx);
  const auto body = json_body(req);
  const json::value value = body;
  const auto schedule = schedule_from(&value);
  const bool stored = co_await ctx.db.run([&] { return ctx.store.set_schedule(name, *schedule); });
  if (!stored) throw unknown_domain(name);
  co_await announce_schedule(ctx, name, schedule);
  const auto domain = co_await ctx.db.run([&] { return ctx.store.find_domain(name); });
  if (!domain) throw unknown_domain(name);
  co_return json_response(http::status::ok, domain_view(*domain));
}

boost::asio::awaitable<Response> delete_schedule(ApiContext& ctx, const RouteRequest& req) {
  const auto name = domain_param(req, ctx);
  const auto domain = co_await ctx.db.run([&] { return ctx.store.find_domain(name); });
  if (!domain) throw unknown_domain(name);
  if (!co_await ctx.db.run([&] { return ctx.store.delete_schedule(name); })) {
    throw HttpError(http::status::not_found, "not_found", name + " has no schedule");
  }
  const std::optional<store::Schedule> removed;
  co_await announce_schedule(ctx, name, removed);
  Response res(http::status::no_content, 11);
  res.prepare_payload();
  co_return res;
}

}  // namespace

void add_domain_routes(Router& router, ApiContext& ctx) {
  const auto bind = [&ctx](auto fn) { return [&ctx, fn](const RouteRequest& r) { return fn(ctx, r); }; };
  router.add(http::verb::post, "/api/v1/domains", Access::write, bind(post_domain), Cost::scan);
  router.add(http::verb::get, "/api/v1/domains", Access::read, bind(list_domains));
  router.add(http::verb::get, "/api/v1/domains/{domain}", Access::read, bind(show_domain));
  router.add(http::verb::delete_, "/api/v1/domains/{domain}", Access::write, bind(delete_domain));
  router.add(http::verb::post, "/api/v1/domains/{domain}/scans", Access::write, bind(rescan), Cost::scan);
  router.add(http::verb::get, "/api/v1/domains/{domain}/scans", Access::read, bind(scan_history));
  router.add(http::verb::put, "/api/v1/domains/{domain}/schedule", Access::write, bind(put_schedule));
  router.add(http::verb::delete_, "/api/v1/domains/{domain}/schedule", Access::write, bind(delete_schedule));
}

}  // namespace domainscan::api
