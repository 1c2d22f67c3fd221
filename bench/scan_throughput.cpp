// Scans N domains of the test bed's bench.test zone (every name resolves to one nginx with
// a wildcard certificate) with the engine the worker runs, --scan-concurrency scans in
// flight on the worker's thread count, and prints domains per second and the process's
// peak memory. With --dead-every K, every Kth name is under broken-ns.test instead, whose
// name server never answers: the healthy names' results must not change. Run it through
// bench/run-scan-throughput.sh, which starts the test bed; results go to docs/benchmarks.md.
//   scan_throughput --domains N [--dead-every K] [settings flags as for `domainscan worker`]
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

// What the scans of one kind of name (healthy, dead) came to.
struct Tally {
  int scans = 0;
  std::map<std::string, std::map<std::string, int>> statuses;  // check -> status -> count
  std::map<std::string, int> grades;
  std::map<std::string, int> dns_errors;  // error_kind -> count
  double seconds = 0;                     // summed over scans
};

struct Tallies {
  std::mutex mutex;
  std::map<std::string, Tally> by_kind;
  void add(const std::string& kind, const scan::ScanReport& r, double seconds) {
    std::lock_guard lock(mutex);
    auto& t = by_kind[kind];
    ++t.scans;
    t.seconds += seconds;
    for (const auto& [check, section] : r.checks) {
      ++t.statuses[std::string(check)][std::string(section.at("status").as_string())];
    }
    ++t.grades[r.grade.value_or("none")];
    const auto& dns = r.checks.at("dns").as_object();
    if (const auto* kind_of_error = dns.if_contains("error_kind")) {
      ++t.dns_errors[std::string(kind_of_error->as_string())];
    } else if (dns.contains("errors")) {
      ++t.dns_errors["partial"];
    }
  }
};

// One of `concurrency` runners: takes the next domain number until none is left.
asio::awaitable<void> runner(scan::ScanEngine& engine, std::atomic<int>& next, int total, int dead_every,
                             Tallies& tallies) {
  for (int i = next++; i < total; i = next++) {
    const bool dead = dead_every > 0 && i % dead_every == dead_every / 2;
    const auto domain = fmt::format("d{}.{}", i, dead ? "broken-ns.test" : "bench.test");
    const auto start = std::chrono::steady_clock::now();
    const auto report = co_await engine.scan(domain);
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    tallies.add(dead ? "dead" : "healthy", report, took.count());
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"scan_throughput: domains scanned per second, and peak memory, against the test bed"};
  int domains = 1000;
  app.add_option("--domains", domains, "how many domains (d0.bench.test, d1.bench.test, ...)")->check(CLI::PositiveNumber);
  int dead_every = 0;
  app.add_option("--dead-every", dead_every, "every Kth name is under broken-ns.test (dead name servers); 0: none")
      ->check(CLI::NonNegativeNumber);
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
  Tallies tallies;
  const long rss_before = peak_rss_kib();
  for (int r = 0; r < std::min(settings.scan_concurrency, domains); ++r) {
    asio::co_spawn(io, runner(engine, next, domains, dead_every, tallies), asio::detached);
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
  for (const auto& [kind, tally] : tallies.by_kind) {
    fmt::print("{} names: {}, {:.2f} s a scan on average\n", kind, tally.scans, tally.seconds / tally.scans);
    for (const auto& [check, counts] : tally.statuses) {
      std::string line;
      for (const auto& [status, n] : counts) line += fmt::format(" {}={}", status, n);
      fmt::print("  {:<11}{}\n", check, line);
    }
    std::string grades, errors;
    for (const auto& [grade, n] : tally.grades) grades += fmt::format(" {}={}", grade, n);
    for (const auto& [error, n] : tally.dns_errors) errors += fmt::format(" {}={}", error, n);
    fmt::print("  grades    {}\n", grades);
    fmt::print("  DNS errors{}\n", errors.empty() ? " none" : errors);
  }
  return 0;
}
