#pragma once
// The scanning worker: consumes scan.requested, claims the scan row for a while (a lease,
// with the other claims that arrived meanwhile: worker/claim_batcher.hpp), runs the engine, and
// stores the result with the domain's new status and the events the scan caused (what
// changed since the previous scan, expiry alerts: watch/scan_events.hpp) in one
// transaction, together with the other scans that finished meanwhile
// (worker/completion_batcher.hpp); then announces scan.completed. The bus delivers at most `concurrency` requests at a time.
//
// Delivery rules: a request for a scan that is already finished (or deleted), or that another
// worker's lease holds, is acknowledged without scanning (should that worker die, its lease
// runs out and the outbox sweeper publishes the scan again); a malformed request is
// dead-lettered; a database outage is retried.
#include "bus/bus.hpp"
#include "core/blocking_pool.hpp"
#include "core/histogram.hpp"
#include "scan/engine.hpp"
#include "store/store.hpp"
#include "worker/claim_batcher.hpp"
#include "worker/completion_batcher.hpp"

#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <mutex>
#include <set>
#include <functional>
#include <vector>

namespace domainscan::worker {

struct WorkerOptions {
  std::size_t concurrency = 256;
  int bad_after = 3;
  std::vector<int> expiry_thresholds{30, 14, 7, 1};  // days (watch/expiry.hpp)
  // Called after a scan's events were stored (the webhook deliverer looks for due deliveries).
  std::function<void()> events_stored{};
  // Who this worker is and how long its claim on a scan lasts unless renewed.
  store::Store::ClaimLease lease{"worker", std::chrono::seconds(30)};
};

struct WorkerCounters {
  std::atomic<long> completed{0};
  std::atomic<long> failed{0};
  std::atomic<long> skipped{0};  // redelivered requests for finished scans, or scans another worker holds
  DurationHistogram scan_duration;  // the engine's scan of a domain (every check), start to report
};

class Worker {
 public:
  Worker(boost::asio::any_io_executor executor, store::Store& store, bus::Bus& bus, BlockingPool& db,
         scan::ScanEngine& engine, WorkerOptions options);

  // Subscribes to the scan queue, and renews this worker's leases every third of their
  // length until stop().
  void start();
  void stop();
  // Handles one message (public for tests).
  boost::asio::awaitable<bus::Outcome> handle(const bus::Message& message);

  const WorkerCounters& counters() const { return counters_; }
  const CompletionBatcher& batcher() const { return batcher_; }
  const ClaimBatcher& claims() const { return claims_; }

 private:
  boost::asio::awaitable<void> renew_leases();
  // Outcome::retry; on the last attempt the scan is first marked failed with `why`.
  boost::asio::awaitable<bus::Outcome> retry_later(const bus::Message& message, std::int64_t scan_id, std::string domain,
                                                   std::string why);

  store::Store& store_;
  bus::Bus& bus_;
  BlockingPool& db_;
  scan::ScanEngine& engine_;
  WorkerOptions options_;
  WorkerCounters counters_;
  ClaimBatcher claims_;
  boost::asio::steady_timer renewal_;  // on a strand of its own
  std::atomic<bool> stopping_{false};
  // The scans this worker is scanning: the leases it renews. Handlers run on any I/O thread.
  std::mutex in_flight_mutex_;
  std::multiset<std::int64_t> in_flight_;  // (a redelivery to its owner may run twice)
  CompletionBatcher batcher_;
};

}  // namespace domainscan::worker
