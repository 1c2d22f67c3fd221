#include "scheduler/scheduler.hpp"

#include "bus/messages.hpp"
#include "bus/topology.hpp"
#include "core/errors.hpp"
#include "outbox/outbox.hpp"
#include "scheduler/cron.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

namespace domainscan::scheduler {

namespace asio = boost::asio;

std::optional<TimePoint> next_run_of(const store::Schedule& schedule, TimePoint after) {
  try {
    return CronExpression::parse(schedule.cron).next_after(after, time_zone_named(schedule.timezone));
  } catch (const ValidationError& e) {
    // Validated when stored; only a tz database that lost the zone gets here.
    spdlog::error("scheduler: cannot use '{}' in {}: {}", schedule.cron, schedule.timezone, e.what());
    return std::nullopt;
  }
}

Scheduler::Scheduler(asio::any_io_executor executor, store::Store& store, bus::Bus& bus, BlockingPool& db, Now now)
    : timer_(asio::make_strand(executor)), store_(store), bus_(bus), db_(db), now_(std::move(now)) {}

void Scheduler::start() {
  bus_.subscribe(bus::kScheduleQueue, [this](const bus::Message& m) { return handle(m); }, 16);
  asio::co_spawn(timer_.get_executor(), loop(), asio::detached);
}

void Scheduler::stop() {
  asio::post(timer_.get_executor(), [this] {
    stopping_ = true;
    timer_.cancel();
  });
}

asio::awaitable<bus::Outcome> Scheduler::handle(const bus::Message& message) {
  bus::ScheduleRequested request;
  try {
    request = bus::parse_schedule_requested(message.body);
  } catch (const ValidationError& e) {
    spdlog::error("scheduler: malformed schedule request ({}): {}", e.what(), message.body.substr(0, 200));
    co_return bus::Outcome::dead_letter;
  }
  // The row in the database, not the message, is the schedule: the API stored it (or
  // removed it) before publishing. Wake the loop so the round runs now.
  spdlog::debug("scheduler: schedule of {} {}", request.domain, request.action == "delete" ? "removed" : "set");
  asio::post(timer_.get_executor(), [this] { timer_.cancel(); });
  co_return bus::Outcome::ack;
}

asio::awaitable<void> Scheduler::loop() {
  while (!stopping_) {
    co_await round();
    if (stopping_) break;
    timer_.expires_after(kRoundInterval);
    boost::system::error_code ec;
    co_await timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
}

asio::awaitable<void> Scheduler::round() {
  const store::Store::NextRun next_run = next_run_of;
  try {
    // Plan first, so that a schedule stored a moment ago can fire in this same round.
    while (true) {
      const auto now = now_();
      const auto planned = co_await db_.run([&] { return store_.plan_schedules(now, kBatch, next_run); });
      counters_.planned += static_cast<long>(planned);
      if (planned < kBatch) break;
    }
    while (true) {
      const auto now = now_();
      const auto report = co_await db_.run([&] { return store_.fire_due_schedules(now, kBatch, next_run); });
      counters_.fired += static_cast<long>(report.queued.size());
      counters_.skipped_bad += report.skipped_bad;
      counters_.skipped_queued += report.skipped_queued;
      if (report.skipped_bad + report.skipped_queued > 0) {
        spdlog::info("scheduler: {} due runs skipped ({} bad domains, {} with a scan already queued)",
                     report.skipped_bad + report.skipped_queued, report.skipped_bad, report.skipped_queued);
      }
      co_await outbox::publish_scans(store_, db_, bus_, report.queued);
      if (report.taken < kBatch) break;
    }
  } catch (const std::exception& e) {
    // The database is out of reach: nothing was fired; the next round tries again.
    ++counters_.failed_rounds;
    spdlog::warn("scheduler: round failed, retrying in {} s: {}", kRoundInterval.count(), e.what());
  }
}

}  // namespace domainscan::scheduler
