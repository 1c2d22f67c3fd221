// The distributed mode as an operator runs it: `domainscan api`, two `domainscan worker`s and
// `domainscan scheduler` as separate processes on the RabbitMQ and PostgreSQL that
// tests/run-all.sh started. Every test ends by checking the database: every accepted domain
// has exactly one scan, and it completed, whatever failed in between.
#include "support/amqp_testbed.hpp"
#include "support/backends.hpp"
#include "support/child_process.hpp"
#include "support/eventually.hpp"
#include "support/http_client.hpp"
#include "support/temp_dir.hpp"
#include "support/testbed.hpp"
#include "support/webhook_receiver.hpp"

#include "bus/amqp/amqp_topology.hpp"
#include "bus/topology.hpp"

#include <boost/json.hpp>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <pqxx/pqxx>

#include <csignal>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <cstdlib>
#include <thread>

#include <unistd.h>

namespace domainscan::testing {
namespace {

using namespace std::chrono_literals;

// One domainscan process with its own log directory.
struct Service {
  Service(const std::string& name, std::vector<std::string> args) : name(name) {
    args.insert(args.begin(), {domainscan_binary(), name});
    process = std::make_unique<ChildProcess>(args, logs.path());
  }
  std::string name;
  TempDir logs;
  std::unique_ptr<ChildProcess> process;
};

struct ScanCounts {
  long domains = 0, scans = 0, completed = 0, unfinished = 0;
};

class DistributedTest : public ::testing::Test {
 protected:
  // Which resolver the workers use: the test bed's, or its slow twin (every answer 200 ms
  // late) so that a run lasts long enough for a fault to land in the middle of it.
  virtual std::string dns_server() const { return test_dns_server(); }
  // More flags for the workers, and for the api.
  virtual std::vector<std::string> worker_args() const { return {}; }
  virtual std::vector<std::string> api_args() const { return {}; }
  virtual std::vector<std::string> scheduler_args() const { return {}; }

  void SetUp() override {
    db_ = std::make_unique<FreshDatabase>(Backend::postgres);
    reset_amqp_topology(bus::amqp::default_retry_delays());
    const std::vector<std::string> common = {"--db", db_->url(), "--broker", test_amqp_url(), "--allow-suffix", "test"};

    // The api migrates the empty database before the workers need it.
    auto api_args = common;
    api_args.insert(api_args.end(), {"--listen", "127.0.0.1:0", "--rate-limit", "off", "--scan-rate-limit", "off"});
    const auto api_extra = this->api_args();
    api_args.insert(api_args.end(), api_extra.begin(), api_extra.end());
    api_ = std::make_unique<Service>("api", api_args);
    const auto line = api_->process->wait_for_log("listening on http://127.0.0.1:", 30s);
    ASSERT_TRUE(line) << api_->process->stderr_text();
    port_ = static_cast<std::uint16_t>(std::stoi(line->substr(line->rfind(':') + 1)));

    for (int i = 0; i < 2; ++i) {
      auto args = common;
      // Few scans at once per worker, so that a run lasts long enough to break things in it.
      args.insert(args.end(), {"--dns-server", dns_server(), "--trust-anchor-file", "none",
                               "--scan-concurrency", "2", "--check-timeout", "5s"});
      const auto extra = worker_args();
      args.insert(args.end(), extra.begin(), extra.end());
      workers_.push_back(std::make_unique<Service>("worker", args));
    }
    auto scheduler_args = common;
    const auto scheduler_extra = this->scheduler_args();
    scheduler_args.insert(scheduler_args.end(), scheduler_extra.begin(), scheduler_extra.end());
    scheduler_ = std::make_unique<Service>("scheduler", scheduler_args);
    for (auto& w : workers_) {
      ASSERT_TRUE(w->process->wait_for_log("amqp: consuming domainscan.scans", 30s)) << w->process->stderr_text();
    }
  }

  void TearDown() override {
    // SIGTERM, and each must exit 0 by itself: a graceful stop is part of the contract.
    std::vector<Service*> all = {api_.get(), scheduler_.get()};
    for (auto& w : workers_) all.push_back(w.get());
    for (auto* s : all) {
      if (s && s->process->running()) s->process->signal(SIGTERM);
    }
    for (auto* s : all) {
      if (!s || killed_.count(s)) continue;
      const auto status = s->process->wait(60s);
      EXPECT_EQ(status, std::optional<int>(0)) << s->name << ":\n" << s->process->stderr_tail(20000);
    }
  }

  // POSTs d<from>.load.test ... d<to-1>.load.test; every one must be accepted.
  void submit(int from, int to) {
    for (int i = from; i < to; ++i) {
      const auto body = fmt::format(R"({{"domain":"d{}.load.test"}})", i);
      const auto res = http_request(port_, "POST", "/api/v1/domains", body);
      ASSERT_EQ(res.status, 202) << res.body;
    }
  }

  ScanCounts counts() {
    pqxx::connection c(db_->url());
    pqxx::work tx(c);
    const auto row = tx.exec1(
        "SELECT (SELECT count(*) FROM domains), count(*), count(*) FILTER (WHERE status = 'completed'), "
        "count(*) FILTER (WHERE status IN ('queued', 'running')) FROM scans");
    return {row[0].as<long>(), row[1].as<long>(), row[2].as<long>(), row[3].as<long>()};
  }

  void wait_for_completed(long n, std::chrono::seconds timeout = 180s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (counts().completed < n) {
      ASSERT_LT(std::chrono::steady_clock::now(), deadline)
          << "only " << counts().completed << " of " << n << " scans completed\n"
          << workers_[0]->process->stderr_tail(5000);
      std::this_thread::sleep_for(100ms);
    }
  }

  // The invariant: every accepted domain has exactly one scan, and it completed.
  void expect_each_domain_scanned_exactly_once(long n) {
    wait_for_completed(n);
    std::this_thread::sleep_for(1s);  // late duplicates would show up now
    const auto c = counts();
    EXPECT_EQ(c.domains, n);
    EXPECT_EQ(c.scans, n);
    EXPECT_EQ(c.completed, n);
    EXPECT_EQ(c.unfinished, 0);
    pqxx::connection conn(db_->url());
    pqxx::work tx(conn);
    EXPECT_EQ(tx.exec1("SELECT count(*) FROM scans WHERE result IS NULL OR finished_at IS NULL")[0].as<long>(), 0);
  }

  std::unique_ptr<FreshDatabase> db_;
  std::unique_ptr<Service> api_;
  std::vector<std::unique_ptr<Service>> workers_;
  std::unique_ptr<Service> scheduler_;
  std::set<Service*> killed_;
  std::uint16_t port_ = 0;
};

TEST_F(DistributedTest, FiveHundredDomainsEachGetExactlyOneCompletedScan) {
  // A subscriber of our own to the scan.completed events.
  bus::amqp::AmqpConnection events(bus::amqp::parse_amqp_url(test_amqp_url()), {});
  const auto events_queue = fmt::format("test.scan-completed.{}", ::getpid());
  events.declare_queue_if_missing(events_queue, {});
  events.bind_queue(events_queue, bus::kExchange, bus::kScanCompleted);

  submit(0, 500);
  expect_each_domain_scanned_exactly_once(500);
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (events.queue_depth(events_queue) < 500 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(50ms);
  }
  EXPECT_EQ(events.queue_depth(events_queue), 500u);  // one event per scan, none twice
  // Both workers took part.
  for (auto& w : workers_) {
    EXPECT_NE(w->process->stderr_text().find("worker: scanning"), std::string::npos) << w->process->stderr_text();
  }
  const auto domain = http_request(port_, "GET", "/api/v1/domains/d7.load.test").json();
  EXPECT_EQ(domain.at("last_scan").at("checks").at("dns").at("a").at(0), "127.0.0.30");
  EXPECT_EQ(http_request(port_, "GET", "/readyz").status, 200);
}

// Scans of `domain` a schedule triggered, and how many of them completed.
std::pair<long, long> scheduled_scans(const std::string& db_url, const std::string& domain) {
  pqxx::connection c(db_url);
  pqxx::work tx(c);
  const auto row = tx.exec_params1(
      "SELECT count(*), count(*) FILTER (WHERE s.status = 'completed') FROM scans s JOIN domains d ON d.id = "
      "s.domain_id WHERE d.name = $1 AND s.triggered_by = 'schedule'",
      domain);
  return {row[0].as<long>(), row[1].as<long>()};
}

TEST_F(DistributedTest, ASchedulePostedThroughTheApiFiresOnceAMinuteAndSurvivesASchedulerKilled) {
  // A second scheduler on the same database and broker.
  auto common = std::vector<std::string>{"--db", db_->url(), "--broker", test_amqp_url(), "--allow-suffix", "test"};
  Service second("scheduler", common);
  for (auto* s : {scheduler_.get(), &second}) {
    ASSERT_TRUE(s->process->wait_for_log("amqp: consuming domainscan.schedules", 30s)) << s->process->stderr_text();
  }

  const auto res = http_request(port_, "POST", "/api/v1/domains",
                                R"({"domain": "every-minute.load.test", "schedule": {"cron": "* * * * *"}})");
  ASSERT_EQ(res.status, 202) << res.body;
  // The scheduler plans it (schedule.requested), and the API shows when it runs next.
  const auto planned_by = std::chrono::steady_clock::now() + 10s;
  boost::json::value shown;
  do {
    std::this_thread::sleep_for(100ms);
    shown = http_request(port_, "GET", "/api/v1/domains/every-minute.load.test").json();
  } while (shown.at("schedule").at("next_run_at").is_null() && std::chrono::steady_clock::now() < planned_by);
  ASSERT_FALSE(shown.at("schedule").at("next_run_at").is_null()) << boost::json::serialize(shown);

  // The first run: fired by one of the two schedulers, scanned by a worker.
  auto deadline = std::chrono::steady_clock::now() + 75s;
  while (scheduled_scans(db_->url(), "every-minute.load.test").second < 1) {
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "no scheduled scan completed";
    std::this_thread::sleep_for(200ms);
  }
  std::this_thread::sleep_for(2s);  // a second firing of the same run would show up now
  EXPECT_EQ(scheduled_scans(db_->url(), "every-minute.load.test").first, 1);

  // One scheduler dies; the other fires the next run.
  scheduler_->process->signal(SIGKILL);
  scheduler_->process->wait(10s);
  killed_.insert(scheduler_.get());
  deadline = std::chrono::steady_clock::now() + 75s;
  while (scheduled_scans(db_->url(), "every-minute.load.test").second < 2) {
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "the surviving scheduler did not fire the next run\n"
                                                          << second.process->stderr_tail(5000);
    std::this_thread::sleep_for(200ms);
  }
  EXPECT_EQ(scheduled_scans(db_->url(), "every-minute.load.test").first, 2);
  const auto history = http_request(port_, "GET", "/api/v1/domains/every-minute.load.test/scans").json();
  EXPECT_EQ(history.at("items").at(0).at("trigger"), "schedule");
  EXPECT_EQ(history.at("items").at(0).at("status"), "completed");

  second.process->signal(SIGTERM);
  EXPECT_EQ(second.process->wait(30s), std::optional<int>(0)) << second.process->stderr_text();
}

class DistributedFaultTest : public DistributedTest {
 protected:
  std::string dns_server() const override { return test_slow_dns_server(); }
  // A dead worker's scans are taken over once their lease runs out: soon, for the test.
  std::vector<std::string> worker_args() const override { return {"--scan-lease", "3s"}; }
};

TEST_F(DistributedFaultTest, AWorkerKilledInTheMiddleOfScansLosesNothing) {
  submit(0, 120);
  wait_for_completed(10);
  ASSERT_LT(counts().completed, 120) << "the run ended before the fault";
  workers_[0]->process->signal(SIGKILL);
  workers_[0]->process->wait(10s);
  killed_.insert(workers_[0].get());
  // Its unacknowledged requests go back to the queue, and the scans it held are published
  // again once their lease runs out: the other worker finishes them.
  expect_each_domain_scanned_exactly_once(120);
}

TEST_F(DistributedFaultTest, RabbitMqStoppedAndStartedInTheMiddleOfARunLosesNothing) {
  submit(0, 200);
  wait_for_completed(10);
  ASSERT_LT(counts().completed, 200) << "the run ended before the fault";
  ASSERT_TRUE(rabbitmqctl("stop_app"));
  // While the broker is away the API still accepts (the outbox keeps the requests) and
  // says it is not ready.
  EXPECT_EQ(http_request(port_, "GET", "/readyz").status, 503);
  submit(200, 300);
  ASSERT_TRUE(rabbitmqctl("start_app"));
  expect_each_domain_scanned_exactly_once(300);
  // The requests the api could not publish were swept up by an outbox sweeper: the api's or
  // the scheduler's, whichever came first.
  const auto swept = [](const Service& s) { return s.process->stderr_text().find("outbox: published") != std::string::npos; };
  EXPECT_TRUE(swept(*api_) || swept(*scheduler_));
}

TEST_F(DistributedFaultTest, ABulkImportAcrossABrokerRestartLosesNothing) {
  std::string first;
  for (int i = 0; i < 100; ++i) first += fmt::format("b{}.load.test\n", i);
  const auto res = http_request(port_, "POST", "/api/v1/domains/bulk", first, "text/plain");
  ASSERT_EQ(res.status, 202) << res.body;
  EXPECT_EQ(res.json().at("added"), 100);
  wait_for_completed(5);
  ASSERT_TRUE(rabbitmqctl("stop_app"));
  // The rest of the list, through `domainscan import`, while the broker is away: taken, kept
  // in the outbox.
  TempDir dir;
  const auto list = (dir.path() / "rest.txt").string();
  {
    std::ofstream out(list);
    for (int i = 100; i < 200; ++i) out << fmt::format("b{}.load.test\n", i);
  }
  const auto imported = run_command({domainscan_binary(), "import", list, "--api-url",
                                     fmt::format("http://127.0.0.1:{}", port_), "--batch", "25"},
                                    60s);
  EXPECT_EQ(imported.exit_status, 0) << imported.err;
  EXPECT_NE(imported.out.find("100 added"), std::string::npos) << imported.out;
  ASSERT_TRUE(rabbitmqctl("start_app"));
  expect_each_domain_scanned_exactly_once(200);
}

TEST_F(DistributedFaultTest, PostgresRestartedInTheMiddleOfARunLosesNothing) {
  const auto ctl = required_env("DOMAINSCAN_TEST_POSTGRES_CTL");
  const auto dir = required_env("DOMAINSCAN_TEST_POSTGRES_DIR");
  submit(0, 120);
  wait_for_completed(10);
  ASSERT_LT(counts().completed, 120) << "the run ended before the fault";
  ASSERT_EQ(std::system(fmt::format("{} pause {}", ctl, dir).c_str()), 0);
  // Not ready, and it says which part is missing, but not the database's own words (its
  // address, user, what it refused), which anyone may ask for.
  const auto ready = http_request(port_, "GET", "/readyz");
  EXPECT_EQ(ready.status, 503);
  EXPECT_EQ(ready.json().at("database"), "unreachable") << ready.body;
  EXPECT_EQ(ready.body.find("127.0.0.1"), std::string::npos) << ready.body;
  std::this_thread::sleep_for(2s);
  ASSERT_EQ(std::system(fmt::format("{} resume {}", ctl, dir).c_str()), 0);
  expect_each_domain_scanned_exactly_once(120);
  // The workers saw the database go away, and carried on.
  bool retried = false;
  for (auto& w : workers_) retried |= w->process->stderr_text().find("will retry") != std::string::npos;
  EXPECT_TRUE(retried);
}

// Webhooks in the distributed mode: the workers deliver, and one delivery is made once
// although both workers look for due deliveries in the same PostgreSQL.
class DistributedWebhooksTest : public DistributedTest {
 protected:
  std::vector<std::string> worker_args() const override {
    return {"--allow-target", "127.0.0.0/8", "--ca-file", test_ca_file(), "--rdap-url", "http://rdap.web.test/",
            "--check-timeout", "3s"};
  }
  // The receiver listens on loopback: the api accepts its URL only with the range opened.
  std::vector<std::string> api_args() const override { return {"--allow-target", "127.0.0.0/8"}; }
};

TEST_F(DistributedWebhooksTest, EveryEventIsDeliveredOnceByTheWorkers) {
  WebhookReceiver receiver;
  receiver.start();
  const auto created = http_request(port_, "POST", "/api/v1/webhooks",
                                    fmt::format(R"({{"url":"{}","events":["*"]}})", receiver.url()));
  ASSERT_EQ(created.status, 201) << created.body;
  receiver.set_secret(std::string(created.json().at("secret").as_string()));

  // The test CA's certificates last 30 days: each of these tells certificate.expiring (and
  // soon.web.test registration.expiring too) on its first scan.
  const std::vector<std::string> domains = {"valid.web.test", "soon.web.test", "chain.web.test", "wronghost.web.test",
                                            "plain.web.test", "other.web.test", "big.web.test", "expired.web.test"};
  for (const auto& d : domains) {
    const auto res = http_request(port_, "POST", "/api/v1/domains", fmt::format(R"({{"domain":"{}"}})", d));
    ASSERT_EQ(res.status, 202) << res.body;
  }
  wait_for_completed(static_cast<long>(domains.size()), 120s);
  const auto events = http_request(port_, "GET", "/api/v1/events?limit=500").json().at("items").as_array();
  ASSERT_GE(events.size(), 5u);
  ASSERT_TRUE(eventually([&] { return receiver.received().size() >= events.size(); }, 60s))
      << receiver.received().size() << " of " << events.size() << " delivered\n"
      << workers_[0]->process->stderr_tail(5000);
  std::this_thread::sleep_for(2s);  // a second delivery of any would show up now
  std::map<std::string, int> times;
  for (const auto& r : receiver.received()) {
    EXPECT_EQ(r.at("valid"), true);
    ++times[std::string(r.at("id").as_string())];
  }
  EXPECT_EQ(times.size(), events.size());
  for (const auto& e : events) EXPECT_EQ(times[std::string(e.at("id").as_string())], 1) << e.at("id");
  pqxx::connection c(db_->url());
  pqxx::work tx(c);
  EXPECT_EQ(tx.exec1("SELECT count(*) FROM deliveries WHERE status = 'delivered' AND attempts = 1")[0].as<std::size_t>(),
            events.size());
}

// Stand-alone workers and schedulers serve /metrics on --metrics-listen, and every metric
// deploy/grafana-dashboard.json draws is one the services export.
class DistributedMetricsTest : public DistributedTest {
 protected:
  std::vector<std::string> worker_args() const override { return {"--metrics-listen", "127.0.0.1:0"}; }
  std::vector<std::string> scheduler_args() const override { return {"--metrics-listen", "127.0.0.1:0"}; }

  static std::uint16_t metrics_port(Service& s) {
    const auto line = s.process->wait_for_log("listening on http://127.0.0.1:", 30s);
    if (!line) throw std::runtime_error(s.name + " serves no /metrics:\n" + s.process->stderr_text());
    return static_cast<std::uint16_t>(std::stoi(line->substr(line->rfind(':') + 1)));
  }
  // The value of one sample line, or -1 when absent.
  static double sample(const std::string& text, const std::string& line_start) {
    const auto at = text.find("\n" + line_start + " ");
    if (at == std::string::npos) return -1;
    return std::stod(text.substr(at + line_start.size() + 2));
  }
};

TEST_F(DistributedMetricsTest, WorkersAndTheSchedulerServeTheirMetricsAndTheDashboardDrawsOnlyExportedNames) {
  submit(0, 6);
  expect_each_domain_scanned_exactly_once(6);

  std::string exported = http_request(port_, "GET", "/metrics").body;
  double completed = 0, timed = 0;
  for (auto& w : workers_) {
    const auto port = metrics_port(*w);
    EXPECT_EQ(http_request(port, "GET", "/healthz").status, 200);
    EXPECT_EQ(http_request(port, "GET", "/api/v1/domains").status, 404) << "only /metrics and /healthz";
    const auto metrics = http_request(port, "GET", "/metrics");
    ASSERT_EQ(metrics.status, 200) << metrics.body;
    completed += std::max(0.0, sample(metrics.body, R"(domainscan_worker_scans_total{result="completed"})"));
    timed += std::max(0.0, sample(metrics.body, "domainscan_scan_duration_seconds_count"));
    EXPECT_NE(metrics.body.find(R"(domainscan_queue_depth{queue="domainscan.scans"})"), std::string::npos);
    exported += metrics.body;
  }
  // Each worker counts its own: together, every scan once.
  EXPECT_EQ(completed, 6);
  EXPECT_EQ(timed, 6);
  const auto scheduler = http_request(metrics_port(*scheduler_), "GET", "/metrics");
  ASSERT_EQ(scheduler.status, 200);
  EXPECT_NE(scheduler.body.find("domainscan_scheduler_runs_total"), std::string::npos);
  exported += scheduler.body;

  std::ifstream in(std::string(DOMAINSCAN_SOURCE_DIR) + "/deploy/grafana-dashboard.json");
  const auto dashboard = boost::json::parse(std::string(std::istreambuf_iterator<char>(in), {}));
  std::set<std::string> drawn;
  const std::regex name(R"(domainscan_[a-z_]+)");
  for (const auto& panel : dashboard.at("panels").as_array()) {
    for (const auto& target : panel.at("targets").as_array()) {
      const std::string expr(target.at("expr").as_string());
      for (std::sregex_iterator it(expr.begin(), expr.end(), name), end; it != end; ++it) drawn.insert(it->str());
    }
  }
  EXPECT_GE(drawn.size(), 10u);
  for (const auto& metric : drawn) {
    EXPECT_NE(exported.find(metric), std::string::npos) << metric << " is drawn but exported by no service";
  }
}

}  // namespace
}  // namespace domainscan::testing
