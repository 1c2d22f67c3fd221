// How the scheduler's cost grows with the number of schedules: N domains with an
// every-minute schedule in a PostgreSQL database, then one round that plans them all and
// one, a minute later, that fires them all (scan rows created, requests published to a bus
// that only counts them). Prints the time of each round and the process's resident memory
// before and after: the scheduler reads due schedules 500 at a time from the index on
// next_run_at, so its memory should not depend on N. Run it through
// bench/run-scheduler-scale.sh, which starts a throw-away PostgreSQL.
//   scheduler_scale --db postgresql://... --schedules N
#include "bus/bus.hpp"
#include "core/logging.hpp"
#include "core/time_format.hpp"
#include "scheduler/scheduler.hpp"
#include "store/store.hpp"

#include <CLI/CLI.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <fmt/format.h>
#include <pqxx/pqxx>

#include <atomic>
#include <fstream>
#include <iostream>

namespace {

namespace asio = boost::asio;
using namespace domainscan;

// Resident memory now (not the peak), from /proc/self/statm, in MiB.
double rss_mib() {
  std::ifstream statm("/proc/self/statm");
  long pages = 0, resident = 0;
  statm >> pages >> resident;
  return static_cast<double>(resident) * static_cast<double>(sysconf(_SC_PAGESIZE)) / (1024.0 * 1024.0);
}

// A bus that takes every message and keeps none: what is measured is the scheduler.
class CountingBus final : public bus::Bus {
 public:
  asio::awaitable<void> publish(std::string, std::string) override {
    ++published;
    co_return;
  }
  void subscribe(std::string, bus::Handler, std::size_t) override {}
  asio::awaitable<void> stop() override { co_return; }
  bool healthy() const override { return true; }
  long depth(const std::string&) const override { return -1; }
  std::atomic<long> published{0};
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"scheduler_scale: one planning and one firing round over N schedules"};
  std::string db;
  long schedules = 100'000;
  app.add_option("--db", db, "postgresql://... of an empty database")->required();
  app.add_option("--schedules", schedules, "how many domains with a schedule")->check(CLI::PositiveNumber);
  CLI11_PARSE(app, argc, argv);
  init_logging("warn", LogFormat::text);

  auto store = store::open_store(db, 8);
  {
    pqxx::connection c(db);
    pqxx::work tx(c);
    tx.exec_params(
        "INSERT INTO domains (name, status, created_at, updated_at) "
        "SELECT 'd' || i || '.bench.test', 'ok', now(), now() FROM generate_series(1, $1) AS i",
        schedules);
    tx.exec(
        "INSERT INTO schedules (domain_id, cron, timezone, next_run_at, updated_at) "
        "SELECT id, '* * * * *', 'UTC', NULL, now() FROM domains");
    tx.commit();
  }

  asio::io_context io;
  BlockingPool pool(8);
  CountingBus bus;
  TimePoint clock = *parse_rfc3339("2026-11-25T10:00:30Z");
  scheduler::Scheduler scheduler(io.get_executor(), *store, bus, pool, [&] { return clock; });
  const auto timed_round = [&] {
    const auto start = std::chrono::steady_clock::now();
    auto done = asio::co_spawn(io, scheduler.round(), asio::use_future);
    io.restart();
    io.run();
    done.get();
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };

  const double before = rss_mib();
  const double plan_s = timed_round();
  const double after_plan = rss_mib();
  clock += std::chrono::minutes(1);
  const double fire_s = timed_round();
  const double after_fire = rss_mib();

  const auto& c = scheduler.counters();
  fmt::print("schedules          {}\n", schedules);
  fmt::print("planning round     {:.2f} s ({} planned)\n", plan_s, c.planned.load());
  fmt::print("firing round       {:.2f} s ({} fired, {} published, {:.0f} runs/s)\n", fire_s, c.fired.load(),
             bus.published.load(), static_cast<double>(c.fired.load()) / fire_s);
  fmt::print("resident memory    {:.1f} MiB before, {:.1f} after planning, {:.1f} after firing\n", before,
             after_plan, after_fire);
  return c.fired.load() == schedules ? 0 : 1;
}
