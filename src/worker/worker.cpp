#include "worker/worker.hpp"

#include "bus/messages.hpp"
#include "bus/topology.hpp"
#include "core/errors.hpp"
#include "watch/scan_events.hpp"
#include "worker/bad_domain.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace domainscan::worker {

namespace asio = boost::asio;

Worker::Worker(asio::any_io_executor executor, store::Store& store, bus::Bus& bus, BlockingPool& db,
               scan::ScanEngine& engine, WorkerOptions options)
    : store_(store), bus_(bus), db_(db), engine_(engine), options_(options), batcher_(executor, store, db) {}

void Worker::start() {
  bus_.subscribe(bus::kScanQueue, [this](const bus::Message& m) { return handle(m); }, options_.concurrency);
}

asio::awaitable<bus::Outcome> Worker::retry_later(const bus::Message& message, std::int64_t scan_id,
                                                  std::string why) {
  if (message.attempt < bus::kMaxDeliveryAttempts) co_return bus::Outcome::retry;
  // The bus gives up after this attempt (the request goes to domainscan.dead): say so on
  // the scan, if the database lets us, so that it does not look queued forever.
  const auto error = fmt::format("gave up after {} attempts: {}", message.attempt, why);
  try {
    co_await db_.run([&] { return store_.fail_scan(scan_id, error); });
  } catch (const std::exception& e) {
    spdlog::error("worker: scan {} could not be marked failed ({}); replay it from domainscan.dead", scan_id,
                  e.what());
  }
  co_return bus::Outcome::retry;
}

asio::awaitable<bus::Outcome> Worker::handle(const bus::Message& message) {
  bus::ScanRequested request;
  try {
    request = bus::parse_scan_requested(message.body);
  } catch (const ValidationError& e) {
    spdlog::error("worker: malformed scan request ({}): {}", e.what(), message.body.substr(0, 200));
    co_return bus::Outcome::dead_letter;
  }

  // (co_await is not allowed inside a catch block: the failure is kept and handled after.)
  std::optional<store::Store::Claim> claim;
  std::optional<std::string> unavailable;
  try {
    claim = co_await db_.run([&] { return store_.claim_scan(request.scan_id); });
  } catch (const UnavailableError& e) {
    spdlog::warn("worker: scan {}: database unavailable, will retry: {}", request.scan_id, e.what());
    unavailable = e.what();
  }
  if (unavailable) co_return co_await retry_later(message, request.scan_id, *unavailable);
  if (!claim) {
    ++counters_.skipped;
    spdlog::debug("worker: scan {} is finished or gone; nothing to do", request.scan_id);
    co_return bus::Outcome::ack;
  }

  const auto& domain = claim->domain;
  spdlog::info("worker: scanning {} (scan {})", domain.name, request.scan_id);
  store::ScanCompletion completion;
  completion.scan_id = request.scan_id;
  try {
    const auto report = co_await engine_.scan(domain.name);
    const auto verdict = judge_domain(
        domain,
        ScanEvidence{report.nxdomain, report.dns_unanswered, report.every_check_unreachable, report.not_registered,
                     report.resolver_refused},
        options_.bad_after);
    completion.status = store::ScanStatus::completed;
    completion.grade = report.grade;
    completion.score = report.score;
    completion.grade_reason = report.grade_reason;
    completion.result_json = report.result_json();
    completion.domain_status = verdict.status;
    completion.bad_reason = verdict.bad_reason;
    completion.consecutive_failures = verdict.consecutive_failures;
    auto events = watch::events_for_scan(
        watch::ScanFacts{claim->previous ? &*claim->previous : nullptr,
                         watch::ScanSide{report.grade, report.score,
                                         boost::json::object{{"checks", report.checks}, {"findings", report.findings}}},
                         domain.status, verdict.status, domain.bad_reason, verdict.bad_reason},
        now_ms(), options_.expiry_thresholds, claim->sent_alerts);
    completion.events = std::move(events.events);
    completion.alerts = std::move(events.alerts);
  } catch (const std::exception& e) {
    // The engine itself failed (not a check: checks report their own errors). The scan is
    // failed; the domain keeps its status.
    spdlog::error("worker: scan {} of {} failed: {}", request.scan_id, domain.name, e.what());
    completion.status = store::ScanStatus::failed;
    completion.error = e.what();
    completion.domain_status = domain.status;
    completion.bad_reason = domain.bad_reason;
    completion.consecutive_failures = domain.consecutive_failures;
  }

  // What is needed once the completion has gone to the batcher.
  const auto status = completion.status;
  const auto grade = completion.grade;
  const bool has_events = !completion.events.empty();
  bool stored = false;
  try {
    stored = co_await batcher_.complete(std::move(completion));
  } catch (const UnavailableError& e) {
    spdlog::warn("worker: scan {}: cannot store the result, will retry: {}", request.scan_id, e.what());
    unavailable = e.what();
  }
  if (unavailable) co_return co_await retry_later(message, request.scan_id, *unavailable);
  if (!stored) {
    ++counters_.skipped;
    co_return bus::Outcome::ack;  // another delivery finished it first
  }
  (status == store::ScanStatus::completed ? counters_.completed : counters_.failed)++;
  if (has_events && options_.events_stored) options_.events_stored();

  // A named local, not a temporary in the co_await (see api/route_helpers.cpp).
  std::string event = bus::to_json(
      bus::ScanCompleted{request.scan_id, domain.name, std::string(store::to_string(status)), grade});
  try {
    co_await bus_.publish(bus::kScanCompleted, std::move(event));
  } catch (const std::exception& e) {
    // The result is stored, which is what counts; the event is best effort.
    spdlog::warn("worker: scan {}: scan.completed not published: {}", request.scan_id, e.what());
  }
  co_return bus::Outcome::ack;
}

}  // namespace domainscan::worker
