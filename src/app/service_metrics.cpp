#include "app/service_metrics.hpp"

#include "api/metrics.hpp"
#include "api/routes.hpp"
#include "scheduler/scan_pruner.hpp"
#include "scheduler/scheduler.hpp"
#include "watch/webhook_deliverer.hpp"
#include "worker/worker.hpp"

namespace domainscan::app {
namespace {

std::string worker_metrics(const worker::Worker& w) {
  const auto& c = w.counters();
  std::string out = "# HELP domainscan_worker_scans_total Scans this process finished, by result.\n"
                    "# TYPE domainscan_worker_scans_total counter\n";
  out += api::prometheus_line("domainscan_worker_scans_total", {{"result", "completed"}}, static_cast<double>(c.completed));
  out += api::prometheus_line("domainscan_worker_scans_total", {{"result", "failed"}}, static_cast<double>(c.failed));
  out += api::prometheus_line("domainscan_worker_scans_total", {{"result", "duplicate"}}, static_cast<double>(c.skipped));
  out += api::render_histogram("domainscan_scan_duration_seconds",
                               "Time the scans of this process took: every check of a domain, start to report.", {},
                               c.scan_duration);
  return out;
}

std::string deliverer_metrics(const watch::WebhookDeliverer& d) {
  const auto& c = d.counters();
  std::string out = "# HELP domainscan_webhook_attempts_total Webhook delivery attempts this process made, by outcome.\n"
                    "# TYPE domainscan_webhook_attempts_total counter\n";
  out += api::prometheus_line("domainscan_webhook_attempts_total", {{"outcome", "delivered"}},
                              static_cast<double>(c.delivered));
  out += api::prometheus_line("domainscan_webhook_attempts_total", {{"outcome", "retry"}}, static_cast<double>(c.retried));
  out += api::prometheus_line("domainscan_webhook_attempts_total", {{"outcome", "failed"}}, static_cast<double>(c.failed));
  return out;
}

std::string pruner_metrics(const scheduler::ScanPruner& p) {
  return "# HELP domainscan_scans_pruned_total Scans this process deleted beyond --keep-scans.\n"
         "# TYPE domainscan_scans_pruned_total counter\n" +
         api::prometheus_line("domainscan_scans_pruned_total", {}, static_cast<double>(p.pruned()));
}

std::string scheduler_metrics(const scheduler::Scheduler& sch) {
  const auto& c = sch.counters();
  std::string out = "# HELP domainscan_scheduler_runs_total Due schedule runs this process handled, by outcome.\n"
                    "# TYPE domainscan_scheduler_runs_total counter\n";
  out += api::prometheus_line("domainscan_scheduler_runs_total", {{"outcome", "fired"}}, static_cast<double>(c.fired));
  out += api::prometheus_line("domainscan_scheduler_runs_total", {{"outcome", "skipped_bad"}},
                              static_cast<double>(c.skipped_bad));
  out += api::prometheus_line("domainscan_scheduler_runs_total", {{"outcome", "skipped_queued"}},
                              static_cast<double>(c.skipped_queued));
  return out;
}

}  // namespace

std::string render_service_metrics(const ServiceCounters& s) {
  std::string out;
  if (s.worker) out += worker_metrics(*s.worker);
  if (s.deliverer) out += deliverer_metrics(*s.deliverer);
  if (s.scheduler) out += scheduler_metrics(*s.scheduler);
  if (s.pruner) out += pruner_metrics(*s.pruner);
  return out;
}

void add_service_metrics_routes(api::Router& router, ServiceCounters services, bus::Bus& bus,
                                const api::Metrics& requests) {
  api::add_liveness_route(router);
  router.add(api::http::verb::get, "/metrics", api::Access::metrics,
             [services, &bus, &requests](const api::RouteRequest&) -> boost::asio::awaitable<api::Response> {
               co_return api::prometheus_response(requests.render_requests() + render_service_metrics(services) +
                                                  api::render_queue_depths(bus));
             });
}

}  // namespace domainscan::app
