#include "worker/worker.hpp"

#include "bus/messages.hpp"
#include "bus/topology.hpp"
#include "core/errors.hpp"
#include "core/logging.hpp"
#include "watch/scan_events.hpp"
#include "worker/bad_domain.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace domainscan::worker {

namespace asio = boost::asio;

namespace {

// How long the worker's claim and result batches wait for more before they run. A batch is
// a transaction whose cost hardly depends on how many rows it holds; run at once, batches
// held 7-9 scans during a 20,000-name import and the database's share of a scan was 0.33-0.39
// ms. Waiting 5 ms: 0.25-0.27 ms, and 1,660-1,850 scans a second instead of 1,310-1,630
// (docs/benchmarks.md). A scan takes seconds against real sites; 10 ms more is nothing.
constexpr std::chrono::milliseconds kBatchLinger{5};

}  // namespace

Worker::Worker(asio::any_io_executor executor, store::Store& store, bus::Bus& bus, BlockingPool& db,
               scan::ScanEngine& engine, WorkerOptions options)
    : store_(store), bus_(bus), db_(db), engine_(engine), options_(options), claims_(executor, store, db, options_.lease),
      renewal_(asio::make_strand(executor)),
      batcher_(executor, store, db) {
  claims_.set_linger(kBatchLinger);
  batcher_.set_linger(kBatchLinger);
}

void Worker::start() {
  bus_.subscribe(bus::kScanQueue, [this](const bus::Message& m) { return handle(m); }, options_.concurrency);
  asio::co_spawn(renewal_.get_executor(), renew_leases(), asio::detached);
}

void Worker::stop() {
  stopping_ = true;
  asio::post(renewal_.get_executor(), [this] { renewal_.cancel(); });
}

asio::awaitable<void> Worker::renew_leases() {
  // A third of the lease: one renewal may fail (the database away for a moment) and the
  // next still comes before the lease runs out.
  const auto every = options_.lease.length / 3;
  while (!stopping_) {
    renewal_.expires_after(every);
    boost::system::error_code ec;
    co_await renewal_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (stopping_) break;
    std::vector<std::int64_t> ids;
    {
      std::lock_guard lock(in_flight_mutex_);
      std::set<std::int64_t> distinct(in_flight_.begin(), in_flight_.end());
      ids.assign(distinct.begin(), distinct.end());
    }
    if (ids.empty()) continue;
    try {
      co_await db_.run([&] { return store_.renew_claims(ids, options_.lease); });
    } catch (const std::exception& e) {
      spdlog::warn("worker: could not renew the leases on its scans (another worker may take them over): {}",
                   e.what());
    }
  }
}

asio::awaitable<bus::Outcome> Worker::retry_later(const bus::Message& message, std::int64_t scan_id,
                                                  std::string domain, std::string why) {
  if (message.attempt < bus::kMaxDeliveryAttempts) co_return bus::Outcome::retry;
  // The bus gives up after this attempt (the request goes to domainscan.dead): say so on
  // the scan, if the database lets us, so that it does not look queued forever.
  const auto error = fmt::format("gave up after {} attempts: {}", message.attempt, why);
  try {
    co_await db_.run([&] { return store_.fail_scan(scan_id, error); });
  } catch (const std::exception& e) {
    spdlog::error("{}worker: the scan could not be marked failed ({}); replay it from domainscan.dead",
                  scan_tag(scan_id, domain), e.what());
  }
  co_return bus::Outcome::retry;
}

namespace {

// A scan in the worker's in-flight set (whose leases it renews) while its handler runs,
// whichever way the handler ends.
class InFlight {
 public:
  InFlight(std::mutex& mutex, std::multiset<std::int64_t>& scans, std::int64_t id)
      : mutex_(mutex), scans_(scans), id_(id) {
    std::lock_guard lock(mutex_);
    scans_.insert(id_);
  }
  ~InFlight() {
    std::lock_guard lock(mutex_);
    scans_.erase(scans_.find(id_));
  }
  InFlight(const InFlight&) = delete;
  InFlight& operator=(const InFlight&) = delete;

 private:
  std::mutex& mutex_;
  std::multiset<std::int64_t>& scans_;
  std::int64_t id_;
};

}  // namespace

asio::awaitable<bus::Outcome> Worker::handle(const bus::Message& message) {
  bus::ScanRequested request;
  try {
    request = bus::parse_scan_requested(message.body);
  } catch (const ValidationError& e) {
    spdlog::error("worker: malformed scan request ({}): {}", e.what(), message.body.substr(0, 200));
    co_return bus::Outcome::dead_letter;
  }

  // (co_await is not allowed inside a catch block: the failure is kept and handled after.)
  store::Store::ClaimAnswer answer;
  std::optional<std::string> unavailable;
  try {
    answer = co_await claims_.claim(request.scan_id);
  } catch (const UnavailableError& e) {
    spdlog::warn("{}worker: database unavailable, will retry: {}", scan_tag(request.scan_id, request.domain), e.what());
    unavailable = e.what();
  }
  if (unavailable) co_return co_await retry_later(message, request.scan_id, request.domain, *unavailable);
  if (!answer.claim) {
    ++counters_.skipped;
    spdlog::debug("{}worker: the scan {}; nothing to do", scan_tag(request.scan_id, request.domain),
                  answer.held ? "is being scanned by another worker" : "is finished or gone");
    co_return bus::Outcome::ack;
  }
  const auto& claim = answer.claim;
  const InFlight in_flight(in_flight_mutex_, in_flight_, request.scan_id);

  const auto& domain = claim->domain;
  spdlog::info("{}worker: scanning", scan_tag(request.scan_id, domain.name));
  store::ScanCompletion completion;
  completion.scan_id = request.scan_id;
  const auto scan_started = std::chrono::steady_clock::now();
  try {
    const auto report = co_await engine_.scan(domain.name);
    counters_.scan_duration.observe(std::chrono::steady_clock::now() - scan_started);
    const auto verdict = judge_domain(
        domain,
        ScanEvidence{report.nxdomain, report.dns_unanswered, report.every_check_unreachable, report.not_registered,
                     report.resolver_refused, report.resolver_unreachable, report.scanner_failure},
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
    spdlog::error("{}worker: the scan failed: {}", scan_tag(request.scan_id, domain.name), e.what());
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
  std::optional<std::string> refused;
  try {
    stored = co_await batcher_.complete(std::move(completion));
  } catch (const UnavailableError& e) {
    spdlog::warn("{}worker: cannot store the result, will retry: {}", scan_tag(request.scan_id, domain.name), e.what());
    unavailable = e.what();
  } catch (const std::exception& e) {
    refused = e.what();
  }
  if (unavailable) co_return co_await retry_later(message, request.scan_id, domain.name, *unavailable);
  if (refused) {
    // The database refused this result (not: was away). Trying again would be refused the
    // same way, five times, and leave the scan running for ever: it fails instead, with
    // the reason, and the domain keeps its status.
    spdlog::error("{}worker: the database refused its result: {}", scan_tag(request.scan_id, domain.name), *refused);
    store::ScanCompletion failed;
    failed.scan_id = request.scan_id;
    failed.status = store::ScanStatus::failed;
    failed.error = fmt::format("the result could not be stored: {}", *refused);
    failed.domain_status = domain.status;
    failed.bad_reason = domain.bad_reason;
    failed.consecutive_failures = domain.consecutive_failures;
    std::optional<std::string> also_failed;
    try {
      stored = co_await batcher_.complete(std::move(failed));
    } catch (const std::exception& e) {
      also_failed = e.what();
    }
    if (also_failed) co_return co_await retry_later(message, request.scan_id, domain.name, *also_failed);
    if (stored) ++counters_.failed;
    co_return bus::Outcome::ack;
  }
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
    spdlog::warn("{}worker: scan.completed not published: {}", scan_tag(request.scan_id, domain.name), e.what());
  }
  co_return bus::Outcome::ack;
}

}  // namespace domainscan::worker
