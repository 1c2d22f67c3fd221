// The scheduler with a clock the test moves, on SQLite and a real PostgreSQL: due schedules
// fire once, missed runs fire once, bad domains and domains with a queued scan are
// skipped, schedules survive a new scheduler (they live in the database), and two
// schedulers on one PostgreSQL fire every run exactly once.
#include "bus/embedded/embedded_bus.hpp"
#include "bus/topology.hpp"
#include "core/time_format.hpp"
#include "scheduler/scheduler.hpp"
#include "support/backends.hpp"
#include "support/run_to_completion.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <gtest/gtest.h>

#include <future>
#include <map>

namespace domainscan::scheduler {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using store::DomainStatus;
using store::ScanStatus;
using store::ScanTrigger;
using testing::Backend;

TimePoint at(const char* text) { return *parse_rfc3339(text); }

// A store, a bus and a scheduler whose clock is `clock`.
class SchedulerTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    db_ = std::make_unique<testing::FreshDatabase>(GetParam());
    store_ = store::open_store(db_->url(), 4);
    bus_ = std::make_unique<bus::embedded::EmbeddedBus>(io_.get_executor());
    scheduler_ = make_scheduler(*store_);
  }

  std::unique_ptr<Scheduler> make_scheduler(store::Store& store) {
    return std::make_unique<Scheduler>(io_.get_executor(), store, *bus_, pool_, [this] { return clock_; });
  }

  void round(Scheduler& s) { ASSERT_TRUE(testing::run_to_completion(io_, s.round(), 30s)); }
  void round() { round(*scheduler_); }

  // Adds the domain with a schedule and finishes its first scan with `status`.
  void add(const std::string& name, const std::string& cron, DomainStatus status = DomainStatus::ok,
           const std::string& zone = "UTC") {
    const auto added = store_->add_domain(name, store::Schedule{cron, zone, std::nullopt}, ScanTrigger::api);
    finish(added.scan_id, status);
  }

  void finish(std::int64_t scan_id, DomainStatus status = DomainStatus::ok) {
    ASSERT_TRUE(store_->claim_scan(scan_id));
    store::ScanCompletion c;
    c.scan_id = scan_id;
    c.result_json = "{}";
    c.domain_status = status;
    if (status == DomainStatus::bad) c.bad_reason = "nxdomain";
    ASSERT_TRUE(store_->complete_scan(c));
  }

  // Scans triggered by a schedule, oldest first.
  std::vector<store::Scan> scheduled_scans(const std::string& name) {
    std::vector<store::Scan> out;
    for (const auto& s : store_->list_scans(name, 1000)) {
      if (s.trigger == ScanTrigger::schedule) out.insert(out.begin(), s);
    }
    return out;
  }

  std::optional<TimePoint> next_run_at(const std::string& name) { return store_->find_domain(name)->schedule->next_run_at; }

  asio::io_context io_;  // declared first: it outlives everything that uses it
  BlockingPool pool_{4};
  std::unique_ptr<testing::FreshDatabase> db_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<bus::embedded::EmbeddedBus> bus_;
  TimePoint clock_ = at("2026-11-25T10:20:00Z");
  std::unique_ptr<Scheduler> scheduler_;
};

TEST_P(SchedulerTest, ANewScheduleIsPlannedThenFiresOnceWhenDue) {
  add("a.com", "0 * * * *");
  EXPECT_FALSE(next_run_at("a.com"));  // as the API stores it
  round();
  EXPECT_EQ(next_run_at("a.com"), at("2026-11-25T11:00:00Z"));
  EXPECT_TRUE(scheduled_scans("a.com").empty());

  clock_ = at("2026-11-25T10:59:59Z");
  round();
  EXPECT_TRUE(scheduled_scans("a.com").empty()) << "not due yet";

  clock_ = at("2026-11-25T11:00:00Z");
  round();
  round();  // the same instant again: nothing more
  const auto scans = scheduled_scans("a.com");
  ASSERT_EQ(scans.size(), 1u);
  EXPECT_EQ(scans[0].status, ScanStatus::queued);
  EXPECT_EQ(next_run_at("a.com"), at("2026-11-25T12:00:00Z"));
  EXPECT_EQ(scheduler_->counters().fired, 1);
  EXPECT_EQ(bus_->depth(bus::kScanQueue), 1) << "the scan request is published";
}

TEST_P(SchedulerTest, MissedRunsFireOnceNotOncePerRun) {
  add("a.com", "*/10 * * * *");
  round();
  EXPECT_EQ(next_run_at("a.com"), at("2026-11-25T10:30:00Z"));
  clock_ = at("2026-11-25T15:04:00Z");  // the scheduler was down for 28 runs
  round();
  EXPECT_EQ(scheduled_scans("a.com").size(), 1u);
  EXPECT_EQ(next_run_at("a.com"), at("2026-11-25T15:10:00Z"));
}

TEST_P(SchedulerTest, BadDomainsAreSkippedAndCounted) {
  add("bad.com", "0 * * * *", DomainStatus::bad);
  add("good.com", "0 * * * *");
  round();
  clock_ = at("2026-11-25T11:00:00Z");
  round();
  EXPECT_TRUE(scheduled_scans("bad.com").empty());
  EXPECT_EQ(scheduled_scans("good.com").size(), 1u);
  EXPECT_EQ(scheduler_->counters().skipped_bad, 1);
  EXPECT_EQ(next_run_at("bad.com"), at("2026-11-25T12:00:00Z")) << "its schedule moves on";

  // A re-check (a rescan) that finds it good makes it scheduled again.
  const auto recheck = store_->queue_scan("bad.com", ScanTrigger::rescan);
  finish(recheck->scan_id, DomainStatus::ok);
  clock_ = at("2026-11-25T12:00:00Z");
  round();
  EXPECT_EQ(scheduled_scans("bad.com").size(), 1u);
}

TEST_P(SchedulerTest, ADomainWithAQueuedScanIsNotQueuedTwice) {
  store_->add_domain("busy.com", store::Schedule{"0 * * * *", "UTC", std::nullopt}, ScanTrigger::api);  // stays queued
  round();
  clock_ = at("2026-11-25T11:00:00Z");
  round();
  EXPECT_TRUE(scheduled_scans("busy.com").empty());
  EXPECT_EQ(scheduler_->counters().skipped_queued, 1);
  EXPECT_EQ(store_->list_scans("busy.com", 10).size(), 1u);
}

TEST_P(SchedulerTest, SchedulesLiveInTheDatabaseAcrossRestarts) {
  add("a.com", "30 10 * * *", DomainStatus::ok, "Europe/Berlin");  // 09:30 UTC in winter
  round();
  EXPECT_EQ(next_run_at("a.com"), at("2026-11-26T09:30:00Z"));
  scheduler_.reset();  // the process stops...

  clock_ = at("2026-11-26T09:31:00Z");
  auto restarted = make_scheduler(*store_);  // ...and a new one starts after the run was due
  round(*restarted);
  EXPECT_EQ(scheduled_scans("a.com").size(), 1u);
  EXPECT_EQ(next_run_at("a.com"), at("2026-11-27T09:30:00Z"));
}

TEST_P(SchedulerTest, AChangedScheduleIsPlannedAgain) {
  add("a.com", "0 * * * *");
  round();
  ASSERT_TRUE(store_->set_schedule("a.com", store::Schedule{"45 * * * *", "UTC", std::nullopt}));
  round();
  EXPECT_EQ(next_run_at("a.com"), at("2026-11-25T10:45:00Z"));
}

INSTANTIATE_TEST_SUITE_P(Backends, SchedulerTest, ::testing::Values(Backend::sqlite, Backend::postgres),
                         [](const auto& info) { return testing::backend_name(info.param); });

// Two schedulers, each with its own connections, on one PostgreSQL: over 30 minutes of
// every-minute schedules for 60 domains, each run is fired by exactly one of them.
TEST(TwoSchedulers, FireEveryRunExactlyOnce) {
  testing::FreshDatabase db(Backend::postgres);
  auto store_a = store::open_store(db.url(), 4);
  auto store_b = store::open_store(db.url(), 4);
  asio::io_context io;
  BlockingPool pool_a{4}, pool_b{4};
  bus::embedded::EmbeddedBus bus(io.get_executor());
  TimePoint clock = at("2026-11-25T10:00:30Z");
  Scheduler a(io.get_executor(), *store_a, bus, pool_a, [&] { return clock; });
  Scheduler b(io.get_executor(), *store_b, bus, pool_b, [&] { return clock; });

  constexpr int kDomains = 60, kMinutes = 30;
  for (int i = 0; i < kDomains; ++i) {
    const auto name = "d" + std::to_string(i) + ".com";
    const auto added = store_a->add_domain(name, store::Schedule{"* * * * *", "UTC", std::nullopt}, ScanTrigger::api);
    ASSERT_TRUE(store_a->claim_scan(added.scan_id));
    store::ScanCompletion c;
    c.scan_id = added.scan_id;
    c.result_json = "{}";
    ASSERT_TRUE(store_a->complete_scan(c));
  }
  // The first round plans: each schedule's next run is the next minute.
  ASSERT_TRUE(testing::run_to_completion(io, a.round(), 30s));
  for (int minute = 1; minute <= kMinutes; ++minute) {
    clock = clock + 1min;
    // Both rounds at once, each on its own database threads.
    auto fa = asio::co_spawn(io, a.round(), asio::use_future);
    auto fb = asio::co_spawn(io, b.round(), asio::use_future);
    io.restart();
    io.run();
    fa.get();
    fb.get();
    // What a worker would do: finish every queued scan, so none is skipped as queued.
    for (const auto& ref : store_a->unfinished_scans()) {
      ASSERT_TRUE(store_a->claim_scan(ref.scan_id));
      store::ScanCompletion c;
      c.scan_id = ref.scan_id;
      c.result_json = "{}";
      ASSERT_TRUE(store_a->complete_scan(c));
    }
  }
  EXPECT_EQ(a.counters().fired + b.counters().fired, kDomains * kMinutes);
  EXPECT_EQ(a.counters().skipped_queued + b.counters().skipped_queued, 0);
  for (int i = 0; i < kDomains; i += 7) {
    int scheduled = 0;
    for (const auto& s : store_a->list_scans("d" + std::to_string(i) + ".com", 1000)) {
      scheduled += s.trigger == ScanTrigger::schedule ? 1 : 0;
    }
    EXPECT_EQ(scheduled, kMinutes) << "d" << i << ".com";
  }
}

}  // namespace
}  // namespace domainscan::scheduler
