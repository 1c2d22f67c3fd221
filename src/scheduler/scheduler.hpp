#pragma once
// The scheduling service: fires schedules when they are due. Each round (every second, and
// at once when a schedule.requested arrives) it
//   1. plans: computes next_run_at for schedules the API stored or changed (they have none);
//   2. fires: in one transaction takes the due schedules (an index range on next_run_at,
//      at most kBatch at a time), creates their scan rows (trigger schedule) unless the
//      domain is bad or already has a queued scan, and moves next_run_at to the next run
//      after now, so missed runs fire once;
//   3. publishes the new scans' scan.requested through the outbox.
// Everything lives in the database: a restart loads nothing, and two schedulers on one
// PostgreSQL never fire one run twice (the rows are locked, SKIP LOCKED); if one dies the
// other fires its share on its next round.
#include "bus/bus.hpp"
#include "core/blocking_pool.hpp"
#include "store/store.hpp"

#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <functional>

namespace domainscan::scheduler {

struct SchedulerCounters {
  std::atomic<long> fired{0};           // scans queued by schedules
  std::atomic<long> skipped_bad{0};     // due runs of bad domains
  std::atomic<long> skipped_queued{0};  // due runs of domains with a scan already queued
  std::atomic<long> planned{0};         // schedules given their first next_run_at
  std::atomic<long> failed_rounds{0};   // rounds the database was out of reach
};

class Scheduler {
 public:
  using Now = std::function<TimePoint()>;
  static constexpr std::chrono::seconds kRoundInterval{1};
  static constexpr std::size_t kBatch = 500;

  // `now` is the clock (tests move it).
  Scheduler(boost::asio::any_io_executor executor, store::Store& store, bus::Bus& bus, BlockingPool& db,
            Now now = now_ms);

  // Subscribes to schedule.requested and starts the rounds.
  void start();
  void stop();

  // One round (public for tests): plans, fires and publishes until nothing is left due.
  boost::asio::awaitable<void> round();
  // A schedule.requested message: the round runs now rather than within the second.
  boost::asio::awaitable<bus::Outcome> handle(const bus::Message& message);

  const SchedulerCounters& counters() const { return counters_; }

 private:
  boost::asio::awaitable<void> loop();

  boost::asio::steady_timer timer_;  // on a strand: rounds never overlap
  store::Store& store_;
  bus::Bus& bus_;
  BlockingPool& db_;
  Now now_;
  SchedulerCounters counters_;
  bool stopping_ = false;
};

// When a schedule fires next after `after` (scheduler/cron.hpp), for the store.
std::optional<TimePoint> next_run_of(const store::Schedule& schedule, TimePoint after);

}  // namespace domainscan::scheduler
