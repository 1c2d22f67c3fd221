// Scans N domains of the test bed's bench.test zone (every name resolves to one nginx with
// a wildcard certificate) with the engine the worker runs, --scan-concurrency scans in
// flight on the worker's thread count, and prints domains per second and the process's
// peak memory. Run it through bench/run-scan-throughput.sh, which starts the test bed;
// results go to docs/benchmarks.md.
//   scan_throughput --domains N [settings flags as for `domainscan worker`]
#include "core/logging.hpp"
#include "core/settings_sources.hpp"
#include "scan/engine.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>
#include <fmt/format.h>

#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <map>
#include <mutex>
#include <thread>

namespace {

namespace asio = boost::asio;
using namespace domainscan;

long peak_rss_kib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;  // KiB on Linux
}

struct Tally {
  std::mutex mutex;
  std::map<std::string, std::map<std::string, int>> statuses;  // check -> status -> count
  std::map<std::string, int> grades;
  void add(const scan::ScanReport& r) {
    std::lock_guard lock(mutex);
    for (const auto& [check, section] : r.checks) {
      ++statuses[std::string(check)][std::string(section.at("status").as_string())];
    }
    ++grades[r.grade.value_or("none")];
  }
};

// One of `concurrency` runners: takes the next domain number until none is left.
asio::awaitable<void> runner(scan::ScanEngine& engine, std::atomic<int>& next, int total, Tally& tally) {
  for (int i = next++; i < total; i = next++) {
    const auto domain = fmt::format("d{}.bench.test", i);
    tally.add(co_await engine.scan(domain));
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"scan_throughput: domains scanned per second, and peak memory, against the test bed"};
  int domains = 1000;
  app.add_option("--domains", domains, "how many domains (d0.bench.test, d1.bench.test, ...)")->check(CLI::PositiveNumber);
  SettingFlags flags(app);
  CLI11_PARSE(app, argc, argv);
  Settings settings;
  try {
    settings = flags.resolve([](const char* name) { return std::getenv(name); });
  } catch (const std::exception& e) {
    std::cerr << "scan_throughput: " << e.what() << "\n";
    return 2;
  }
  init_logging("error", LogFormat::text);  // a line per scan would measure the terminal

  const auto threads = std::max(2u, std::thread::hardware_concurrency());  // as the worker
  asio::io_context io(static_cast<int>(threads));
  scan::ScanEngine engine(io.get_executor(), settings);
  std::atomic<int> next{0};
  Tally tally;
  const long rss_before = peak_rss_kib();
  for (int r = 0; r < std::min(settings.scan_concurrency, domains); ++r) {
    asio::co_spawn(io, runner(engine, next, domains, tally), asio::detached);
  }
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back([&io] { io.run(); });
  io.run();
  for (auto& t : pool) t.join();
  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;

  fmt::print("domains            {}\n", domains);
  fmt::print("scan concurrency   {}\n", std::min(settings.scan_concurrency, domains));
  fmt::print("I/O threads        {}\n", threads);
  fmt::print("check timeout      {} ms\n", settings.check_timeout.count());
  fmt::print("elapsed            {:.2f} s\n", elapsed.count());
  fmt::print("domains per second {:.1f}\n", domains / elapsed.count());
  fmt::print("peak RSS           {:.1f} MiB (before scanning {:.1f} MiB)\n", peak_rss_kib() / 1024.0,
             rss_before / 1024.0);
  for (const auto& [check, counts] : tally.statuses) {
    std::string line;
    for (const auto& [status, n] : counts) line += fmt::format(" {}={}", status, n);
    fmt::print("  {:<11}{}\n", check, line);
  }
  std::string grades;
  for (const auto& [grade, n] : tally.grades) grades += fmt::format(" {}={}", grade, n);
  fmt::print("  grades    {}\n", grades);
  return 0;
}
