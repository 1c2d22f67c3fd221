// /healthz (the process answers), /readyz (database and bus reachable), /metrics.
#include "api/route_helpers.hpp"
#include "api/routes.hpp"
#include "bus/topology.hpp"

#include <spdlog/spdlog.h>

namespace domainscan::api {
namespace {

namespace json = boost::json;

boost::asio::awaitable<Response> readyz(ApiContext& ctx) {
  std::string db_state = "ok";
  try {
    co_await ctx.db.run([&] { ctx.store.ping(); });
  } catch (const std::exception& e) {
    // Anyone may ask /readyz: the database's own words (its host, user, what it refused)
    // go to the log, not to them.
    spdlog::warn("readyz: the database does not answer: {}", e.what());
    db_state = "unreachable";
  }
  const std::string bus_state = ctx.bus.healthy() ? "ok" : "unreachable";
  const bool ready = db_state == "ok" && bus_state == "ok";
  co_return json_response(ready ? http::status::ok : http::status::service_unavailable,
                          json::object{{"status", ready ? "ok" : "unavailable"},
                                       {"database", db_state},
                                       {"bus", bus_state}});
}

boost::asio::awaitable<Response> metrics(ApiContext& ctx) {
  std::string out = ctx.metrics.render_requests();
  try {
    const auto now = StoreStatsCache::Clock::now();
    auto s = ctx.stats->fresh(now);
    if (!s) {
      s = co_await ctx.db.run([&] { return ctx.store.stats(); });
      ctx.stats->keep(*s, now);
    }
    // Finished scans are counted as they finish (domainscan_worker_scans_total), not
    // counted in the table: that grows with the history.
    out += "# HELP domainscan_scans Scans in the database waiting or being scanned.\n# TYPE domainscan_scans gauge\n";
    for (const auto& [status, n] : {std::pair{"queued", s->scans_queued}, {"running", s->scans_running}}) {
      out += prometheus_line("domainscan_scans", {{"status", status}}, static_cast<double>(n));
    }
    out += "# HELP domainscan_domains Domains in the database, by status.\n# TYPE domainscan_domains gauge\n";
    for (const auto& [status, n] :
         {std::pair{"pending", s->domains_pending}, {"ok", s->domains_ok}, {"bad", s->domains_bad}}) {
      out += prometheus_line("domainscan_domains", {{"status", status}}, static_cast<double>(n));
    }
    // The shared call budget of rate-limited APIs (VirusTotal): what today took of it.
    const auto today = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now()).time_since_epoch().count();
    out += "# HELP domainscan_api_calls_today Calls every worker together made today (UTC) to a rate-limited API.\n"
           "# TYPE domainscan_api_calls_today gauge\n";
    for (const auto& [api, day_count] : s->api_calls_by_day) {
      out += prometheus_line("domainscan_api_calls_today", {{"api", api}},
                             static_cast<double>(day_count.first == today ? day_count.second : 0));
    }
    if (ctx.virustotal_daily > 0) {
      out += "# HELP domainscan_api_daily_limit The day's call budget of a rate-limited API (--virustotal-daily).\n"
             "# TYPE domainscan_api_daily_limit gauge\n";
      out += prometheus_line("domainscan_api_daily_limit", {{"api", "virustotal"}}, ctx.virustotal_daily);
    }
  } catch (const std::exception&) {
    // The database is down: report what we know; /readyz says why.
  }
  out += render_queue_depths(ctx.bus);
  if (ctx.reads) {
    out += "# HELP domainscan_read_cache_requests_total Reads of a domain, a scan or a list page, by whether the "
           "answer was kept from before.\n# TYPE domainscan_read_cache_requests_total counter\n";
    out += prometheus_line("domainscan_read_cache_requests_total", {{"result", "hit"}},
                           static_cast<double>(ctx.reads->hits()));
    out += prometheus_line("domainscan_read_cache_requests_total", {{"result", "miss"}},
                           static_cast<double>(ctx.reads->misses()));
  }
  if (ctx.after_answer) {
    out += "# HELP domainscan_scan_requests_publishing Scan requests answered and being published (not yet confirmed "
           "by the broker).\n# TYPE domainscan_scan_requests_publishing gauge\n";
    out += prometheus_line("domainscan_scan_requests_publishing", {}, static_cast<double>(ctx.after_answer->in_flight()));
    out += "# HELP domainscan_scan_requests_waited_total Requests answered only after their own publish, the broker "
           "being behind.\n# TYPE domainscan_scan_requests_waited_total counter\n";
    out += prometheus_line("domainscan_scan_requests_waited_total", {}, static_cast<double>(ctx.after_answer->waited()));
  }
  if (ctx.extra_metrics) out += ctx.extra_metrics();
  co_return prometheus_response(std::move(out));
}

}  // namespace

std::string render_queue_depths(const bus::Bus& bus) {
  std::string out = "# HELP domainscan_queue_depth Messages waiting in a bus queue.\n# TYPE domainscan_queue_depth gauge\n";
  for (const char* q : {bus::kScanQueue, bus::kScheduleQueue, bus::kDeadQueue}) {
    const long depth = bus.depth(q);
    if (depth >= 0) out += prometheus_line("domainscan_queue_depth", {{"queue", q}}, static_cast<double>(depth));
  }
  return out;
}

Response prometheus_response(std::string text) {
  Response res(http::status::ok, 11);
  res.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
  res.body() = std::move(text);
  res.prepare_payload();
  return res;
}

void add_liveness_route(Router& router) {
  router.add(http::verb::get, "/healthz", Access::open, [](const RouteRequest&) -> boost::asio::awaitable<Response> {
    co_return json_response(http::status::ok, json::object{{"status", "ok"}});
  });
}

void add_health_routes(Router& router, ApiContext& ctx) {
  add_liveness_route(router);
  router.add(http::verb::get, "/readyz", Access::open, [&ctx](const RouteRequest&) { return readyz(ctx); });
  router.add(http::verb::get, "/metrics", Access::metrics, [&ctx](const RouteRequest&) { return metrics(ctx); });
}

}  // namespace domainscan::api
