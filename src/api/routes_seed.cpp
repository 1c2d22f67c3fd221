// The seed system's routes, kept for compatibility:
//   GET  /domain?domain=X             the results if scanned, else queue a scan and 202
//   POST /domain?domain=X&interval=N  add with N scans a day
// The GET adds and queues only with --seed-compat on: any web page can make a browser send
// a GET (an <img> will do), and without it such pages could fill the database.
#include "api/route_helpers.hpp"
#include "api/routes.hpp"
#include "api/views.hpp"
#include "scheduler/interval.hpp"

namespace domainscan::api {
namespace {

namespace json = boost::json;
using store::ScanStatus;
using store::ScanTrigger;

std::string domain_query(const RouteRequest& req, const ApiContext& ctx) {
  const auto raw = req.query_param("domain");
  if (!raw || raw->empty()) throw HttpError(http::status::bad_request, "invalid_domain", "the domain parameter is required");
  return normalize_domain(*raw, ctx.names);
}

Response check_back_later(const std::string& name, std::int64_t scan_id) {
  return json_response(http::status::accepted,
                       json::object{{"domain", name},
                                    {"scan_id", scan_id},
                                    {"status", "queued"},
                                    {"message", "the scan is queued; check back later"}});
}

boost::asio::awaitable<Response> get_domain(ApiContext& ctx, const RouteRequest& req) {
  const auto name = domain_query(req, ctx);
  auto domain = co_await ctx.db.run([&] { return ctx.store.find_domain(name); });
  if (!domain && !ctx.seed_compat) {
    throw HttpError(http::status::not_found, "not_found",
                    "no domain " + name + "; add it with POST /api/v1/domains (a GET adds domains only when the "
                    "server runs with --seed-compat on)");
  }
  if (!domain) {
    const auto added = co_await add_domain(ctx, name, std::nullopt, ScanTrigger::api);
    if (added.created) co_await publish_scan_request(ctx, added.scan_id, name, ScanTrigger::api);
    co_return check_back_later(name, added.scan_id);
  }
  const auto& last = domain->last_scan;
  const bool finished = last && (last->status == ScanStatus::completed || last->status == ScanStatus::failed);
  // A bad domain is answered as it is and never re-queued from here (only POST .../scans does).
  if (finished || domain->status == store::DomainStatus::bad) {
    std::optional<store::Scan> full;
    if (last) {
      const auto id = last->id;
      full = co_await ctx.db.run([&] { return ctx.store.find_scan(id); });
    }
    co_return json_response(http::status::ok, domain_view(*domain, full));
  }
  if (last) co_return check_back_later(name, last->id);  // queued or running already
  if (!ctx.seed_compat) co_return json_response(http::status::ok, domain_view(*domain));
  const auto queued = co_await ctx.db.run([&] { return ctx.store.queue_scan(name, ScanTrigger::api); });
  if (!queued) throw HttpError(http::status::not_found, "not_found", "no domain " + name);
  if (queued->created) co_await publish_scan_request(ctx, queued->scan_id, name, ScanTrigger::api);
  co_return check_back_later(name, queued->scan_id);
}

boost::asio::awaitable<Response> post_domain(ApiContext& ctx, const RouteRequest& req) {
  const auto name = domain_query(req, ctx);
  const auto interval = int_param(req, "interval", scheduler::kMinScansPerDay, scheduler::kMaxScansPerDay, 1);
  const store::Schedule schedule{scheduler::interval_to_cron(name, static_cast<int>(interval)), "UTC", std::nullopt};

  const std::optional<store::Schedule> asked = schedule;  // a named local: see outbox::publish_scan
  auto added = co_await add_domain(ctx, name, asked, ScanTrigger::api);
  if (added.created) {
    co_await publish_scan_request(ctx, added.scan_id, name, ScanTrigger::api);
  } else {
    co_await ctx.db.run([&] { return ctx.store.set_schedule(name, schedule); });
  }
  co_await announce_schedule(ctx, name, asked);
  if (!added.created) {
    if (auto now = co_await ctx.db.run([&] { return ctx.store.find_domain(name); })) added.domain = *now;
  }
  auto view = domain_view(added.domain);
  view["scan_id"] = added.scan_id > 0 ? json::value(added.scan_id) : json::value(nullptr);
  co_return json_response(added.created ? http::status::accepted : http::status::ok, view);
}

}  // namespace

void add_seed_routes(Router& router, ApiContext& ctx) {
  router.add(http::verb::get, "/domain", Access::write, [&ctx](const RouteRequest& r) { return get_domain(ctx, r); }, Cost::scan);
  router.add(http::verb::post, "/domain", Access::write, [&ctx](const RouteRequest& r) { return post_domain(ctx, r); }, Cost::scan);
}

}  // namespace domainscan::api
