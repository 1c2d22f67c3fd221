// `domainscan serve` as a user runs it: a separate process with a SQLite file, scanning the
// test bed's DNS zones (tests/testbed/zones) through the recursive resolver that
// tests/run-all.sh started (DOMAINSCAN_TEST_DNS_SERVER).
#include "support/child_process.hpp"
#include "support/http_client.hpp"
#include "support/temp_dir.hpp"
#include "support/testbed.hpp"

#include "core/time_format.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <csignal>
#include <cstdlib>
#include <thread>

namespace domainscan::testing {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

// One `domainscan serve` process on a free port, with its own database in `data_dir`.
class ServeProcess {
 public:
  ServeProcess(const std::filesystem::path& data_dir, const std::string& dns, const std::string& check_timeout = "5s")
      : process_({domainscan_binary(), "serve", "--listen", "127.0.0.1:0", "--db",
                  "sqlite:" + (data_dir / "domainscan.db").string(), "--allow-suffix", "test", "--dns-server", dns,
                  "--trust-anchor-file", "none", "--check-timeout", check_timeout, "--rate-limit", "off",
                  "--scan-rate-limit", "off", "--rescan-cooldown", "0s", "--seed-compat", "on"},
                 logs_.path()) {
    const auto line = process_.wait_for_log("listening on http://127.0.0.1:", 30s);
    if (!line) throw std::runtime_error("serve did not start:\n" + process_.stderr_text());
    port_ = static_cast<std::uint16_t>(std::stoi(line->substr(line->rfind(':') + 1)));
  }

  std::uint16_t port() const { return port_; }
  ChildProcess& process() { return process_; }

 private:
  TempDir logs_;
  ChildProcess process_;
  std::uint16_t port_ = 0;
};

json::object get_json(std::uint16_t port, const std::string& target, int expected_status = 200) {
  const auto res = http_request(port, "GET", target);
  EXPECT_EQ(res.status, expected_status) << target << ": " << res.body;
  return res.json().as_object();
}

// Polls the domain until its latest scan has finished; returns the domain body.
json::object wait_for_scan(std::uint16_t port, const std::string& domain, std::chrono::seconds timeout = 30s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    const auto res = http_request(port, "GET", "/api/v1/domains/" + domain);
    if (res.status == 200) {
      auto body = res.json().as_object();
      const auto& last = body.at("last_scan");
      if (last.is_object()) {
        const auto status = std::string(last.at("status").as_string());
        if (status == "completed" || status == "failed") return body;
      }
    }
    if (std::chrono::steady_clock::now() > deadline) {
      throw std::runtime_error("the scan of " + domain + " did not finish: " + res.body);
    }
    std::this_thread::sleep_for(100ms);
  }
}

std::vector<std::string> strings(const json::value& array) {
  std::vector<std::string> out;
  for (const auto& v : array.as_array()) out.emplace_back(v.as_string());
  return out;
}

json::object post_domain(std::uint16_t port, const std::string& domain, int expected_status) {
  const auto res = http_request(port, "POST", "/api/v1/domains", json::serialize(json::object{{"domain", domain}}));
  EXPECT_EQ(res.status, expected_status) << res.body;
  return res.json().as_object();
}

TEST(ServeEndToEnd, ScansDomainsAgainstTheTestBedAndShutsDownCleanly) {
  TempDir data;
  ServeProcess serve(data.path(), test_dns_server());
  const auto port = serve.port();

  const auto added = post_domain(port, "Example.TEST", 202);
  EXPECT_EQ(added.at("domain"), "example.test");
  const auto scan_id = added.at("scan_id").as_int64();
  post_domain(port, "example.test", 200);  // known: nothing new queued
  post_domain(port, "missing.test", 202);
  post_domain(port, "empty.test", 202);

  // example.test: every record of tests/testbed/zones/example.test.zone.
  const auto example = wait_for_scan(port, "example.test");
  ASSERT_EQ(example.at("status"), "ok") << json::serialize(example) << "\n" << serve.process().stderr_text();
  const auto& scan = example.at("last_scan").as_object();
  EXPECT_EQ(scan.at("id").as_int64(), scan_id);
  EXPECT_EQ(scan.at("status"), "completed");
  EXPECT_EQ(scan.at("trigger"), "api");
  const auto& dns = scan.at("checks").at("dns").as_object();
  EXPECT_EQ(dns.at("status"), "ok") << json::serialize(dns);
  auto a = strings(dns.at("a"));
  std::sort(a.begin(), a.end());
  EXPECT_EQ(a, (std::vector<std::string>{"127.0.0.10", "127.0.0.11"}));
  EXPECT_EQ(strings(dns.at("aaaa")), std::vector<std::string>{"::1"});
  EXPECT_EQ(strings(dns.at("ns")), std::vector<std::string>{"ns1.test"});
  ASSERT_EQ(dns.at("mx").as_array().size(), 2u);
  bool has_primary_mx = false;
  for (const auto& mx : dns.at("mx").as_array()) {
    if (mx.at("preference").as_int64() == 10 && mx.at("exchange") == "mail.example.test") has_primary_mx = true;
  }
  EXPECT_TRUE(has_primary_mx) << json::serialize(dns.at("mx"));
  const auto txt = strings(dns.at("txt"));
  EXPECT_NE(std::find(txt.begin(), txt.end(), "v=spf1 mx -all"), txt.end()) << json::serialize(dns.at("txt"));
  EXPECT_EQ(dns.at("caa").as_array().size(), 2u);
  EXPECT_EQ(dns.at("soa").at("serial").as_int64(), 2026112401);
  EXPECT_EQ(dns.at("soa").at("mname"), "ns1.test");
  EXPECT_EQ(dns.at("dnssec"), "indeterminate");  // validation is off: --trust-anchor-file none

  // missing.test answers NXDOMAIN: bad at once.
  const auto missing = wait_for_scan(port, "missing.test");
  EXPECT_EQ(missing.at("status"), "bad");
  EXPECT_EQ(missing.at("bad_reason"), "nxdomain");
  EXPECT_EQ(missing.at("last_scan").at("checks").at("dns").at("status"), "error");

  // empty.test exists with no address: a completed scan with empty lists.
  const auto empty = wait_for_scan(port, "empty.test");
  EXPECT_EQ(empty.at("status"), "ok");
  EXPECT_TRUE(empty.at("last_scan").at("checks").at("dns").at("a").as_array().empty());

  // The same scan by id, in the history, and through the seed route.
  const auto by_id = get_json(port, "/api/v1/scans/" + std::to_string(scan_id));
  EXPECT_EQ(by_id.at("checks").at("dns"), dns);
  const auto history = get_json(port, "/api/v1/domains/example.test/scans");
  ASSERT_EQ(history.at("items").as_array().size(), 1u);
  EXPECT_FALSE(history.at("items").at(0).as_object().contains("checks"));
  const auto seed = get_json(port, "/domain?domain=example.test");
  EXPECT_EQ(seed.at("domain"), "example.test");

  // A rescan of the bad domain is how it is checked again.
  const auto rescan = http_request(port, "POST", "/api/v1/domains/missing.test/scans");
  EXPECT_EQ(rescan.status, 202) << rescan.body;
  const auto rescanned = wait_for_scan(port, "missing.test");
  EXPECT_EQ(rescanned.at("last_scan").at("trigger"), "rescan");
  EXPECT_EQ(get_json(port, "/api/v1/domains/missing.test/scans").at("items").as_array().size(), 2u);

  // DELETE removes it.
  EXPECT_EQ(http_request(port, "DELETE", "/api/v1/domains/empty.test").status, 204);
  get_json(port, "/api/v1/domains/empty.test", 404);

  const auto metrics = http_request(port, "GET", "/metrics");
  EXPECT_NE(metrics.body.find("domainscan_worker_scans_total{result=\"completed\"} 4"), std::string::npos)
      << metrics.body;

  serve.process().signal(SIGTERM);
  const auto status = serve.process().wait(30s);
  ASSERT_TRUE(status.has_value()) << "serve did not stop after SIGTERM";
  EXPECT_EQ(*status, 0) << serve.process().stderr_text();
}

TEST(ServeEndToEnd, ScansInterruptedByACrashAreFinishedAfterARestart) {
  TempDir data;
  {
    // With a DNS server that never answers, the scans stay running; then the process dies.
    SilentDnsServer silent;
    ServeProcess serve(data.path(), silent.address(), "60s");
    post_domain(serve.port(), "example.test", 202);
    post_domain(serve.port(), "empty.test", 202);
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    while (get_json(serve.port(), "/api/v1/domains/example.test").at("last_scan").at("status") != "running") {
      ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "the scan never started";
      std::this_thread::sleep_for(50ms);
    }
    serve.process().signal(SIGKILL);
    ASSERT_TRUE(serve.process().wait(10s).has_value());
  }
  // The database remembers what was accepted; the next start finishes it.
  ServeProcess serve(data.path(), test_dns_server());
  EXPECT_TRUE(serve.process().wait_for_log("recovered 2 unfinished scans", 20s).has_value())
      << serve.process().stderr_text();
  const auto example = wait_for_scan(serve.port(), "example.test");
  EXPECT_EQ(example.at("last_scan").at("status"), "completed");
  EXPECT_EQ(example.at("last_scan").at("checks").at("dns").at("status"), "ok");
  EXPECT_EQ(wait_for_scan(serve.port(), "empty.test").at("last_scan").at("status"), "completed");
  // Still one scan each: the recovered scan was finished, not queued again beside it.
  EXPECT_EQ(get_json(serve.port(), "/api/v1/domains/example.test/scans").at("items").as_array().size(), 1u);
}

TEST(ServeEndToEnd, ADomainNothingAnswersForBecomesBadAndAGoodRecheckMakesItOk) {
  TempDir data;
  {
    // A resolver that never answers: every check of example.test fails to reach anything.
    SilentDnsServer silent;
    ServeProcess serve(data.path(), silent.address(), "500ms");
    const auto port = serve.port();
    post_domain(port, "example.test", 202);
    auto d = wait_for_scan(port, "example.test");
    EXPECT_EQ(d.at("status"), "pending") << "one failed scan is not enough (--bad-after 3)";
    for (int i = 0; i < 2; ++i) {
      ASSERT_EQ(http_request(port, "POST", "/api/v1/domains/example.test/scans").status, 202);
      d = wait_for_scan(port, "example.test");
    }
    EXPECT_EQ(d.at("status"), "bad") << json::serialize(d);
    EXPECT_EQ(d.at("bad_reason"), "unreachable");
    EXPECT_TRUE(d.at("last_scan").at("grade").is_null());
    // The seed route answers with what is known and queues nothing for a bad domain.
    EXPECT_EQ(http_request(port, "GET", "/domain?domain=example.test").status, 200);
    EXPECT_EQ(get_json(port, "/api/v1/domains/example.test/scans").at("items").as_array().size(), 3u);
    serve.process().signal(SIGTERM);
    ASSERT_EQ(serve.process().wait(30s), std::optional<int>(0));
  }
  // The resolver is back: a re-check that succeeds makes the domain ok again.
  ServeProcess serve(data.path(), test_dns_server());
  const auto port = serve.port();
  ASSERT_EQ(http_request(port, "POST", "/api/v1/domains/example.test/scans").status, 202);
  const auto d = wait_for_scan(port, "example.test");
  EXPECT_EQ(d.at("status"), "ok") << json::serialize(d);
  EXPECT_TRUE(d.at("bad_reason").is_null());
}

TEST(ServeEndToEnd, SeedRoutesQueueAndAnswer) {
  TempDir data;
  ServeProcess serve(data.path(), test_dns_server());
  const auto port = serve.port();

  const auto first = http_request(port, "GET", "/domain?domain=example.test");
  EXPECT_EQ(first.status, 202) << first.body;
  EXPECT_NE(first.body.find("check back later"), std::string::npos) << first.body;
  wait_for_scan(port, "example.test");
  const auto second = http_request(port, "GET", "/domain?domain=example.test");
  EXPECT_EQ(second.status, 200) << second.body;
  EXPECT_EQ(second.json().at("last_scan").at("checks").at("dns").at("status"), "ok");

  const auto added = http_request(port, "POST", "/domain?domain=empty.test&interval=4");
  EXPECT_EQ(added.status, 202) << added.body;
  const auto domain = get_json(port, "/api/v1/domains/empty.test");
  ASSERT_TRUE(domain.at("schedule").is_object()) << json::serialize(domain);
  EXPECT_EQ(domain.at("schedule").at("timezone"), "UTC");
  // The scheduler inside serve plans it: four runs a day, the first within six hours.
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  json::object planned = domain;
  while (planned.at("schedule").at("next_run_at").is_null() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(100ms);
    planned = get_json(port, "/api/v1/domains/empty.test");
  }
  ASSERT_TRUE(planned.at("schedule").at("next_run_at").is_string()) << json::serialize(planned);
  const auto next = parse_rfc3339(std::string(planned.at("schedule").at("next_run_at").as_string()));
  ASSERT_TRUE(next);
  EXPECT_GT(*next, now_ms());
  EXPECT_LE(*next, now_ms() + std::chrono::hours(6));
}

TEST(CommandLine, ScanPrintsTheDnsRecordsAsJsonAndText) {
  const auto as_json = run_command({domainscan_binary(), "scan", "example.test", "--format", "json", "--allow-suffix",
                                    "test", "--dns-server", test_dns_server(), "--trust-anchor-file", "none"},
                                   60s);
  ASSERT_EQ(as_json.exit_status, 0) << as_json.err;
  const auto results = json::parse(as_json.out);  // an array: one result per domain given
  ASSERT_EQ(results.as_array().size(), 1u);
  const auto& dns = results.at(0).at("checks").at("dns");
  EXPECT_EQ(dns.at("status"), "ok");
  EXPECT_EQ(dns.at("aaaa").as_array().at(0), "::1");

  const auto as_text = run_command({domainscan_binary(), "scan", "example.test", "--allow-suffix", "test",
                                    "--dns-server", test_dns_server(), "--trust-anchor-file", "none"},
                                   60s);
  ASSERT_EQ(as_text.exit_status, 0) << as_text.err;
  EXPECT_NE(as_text.out.find("example.test"), std::string::npos) << as_text.out;
  EXPECT_NE(as_text.out.find("127.0.0.10"), std::string::npos) << as_text.out;
}

TEST(CommandLine, ScanReportsTheTlsCheckAndItsFindings) {
  const auto ca = test_ca_file();
  const auto run = run_command({domainscan_binary(), "scan", "valid.web.test", "expired.web.test", "example.test",
                                "--format", "json", "--allow-suffix", "test", "--dns-server", test_dns_server(),
                                "--trust-anchor-file", "none", "--allow-target", "127.0.0.20/30",
                                "--allow-target", "127.0.0.24/30", "--ca-file", ca, "--check-timeout", "3s"},
                               60s);
  ASSERT_EQ(run.exit_status, 0) << run.err;
  const auto results = json::parse(run.out).as_array();
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(results[0].at("checks").at("tls").at("chain_valid"), true);
  for (const auto& f : results[0].at("findings").as_array()) {  // (it has no SPF or DMARC: e-mail findings only)
    EXPECT_EQ(f.at("check"), "email") << json::serialize(f);
  }
  EXPECT_EQ(results[1].at("findings").at(0).at("id"), "tls.certificate_expired");
  // example.test is 127.0.0.10, outside the allowed ranges: not connected to.
  EXPECT_EQ(results[2].at("checks").at("tls").at("status"), "skipped");
}

TEST(CommandLine, ScanRunsOnlyTheChecksAskedFor) {
  const auto run = run_command({domainscan_binary(), "scan", "valid.web.test", "--checks", "tls,http", "--format",
                                "json", "--allow-suffix", "test", "--dns-server", test_dns_server(),
                                "--trust-anchor-file", "none", "--allow-target", "127.0.0.0/8", "--ca-file",
                                test_ca_file(), "--check-timeout", "3s"},
                               60s);
  ASSERT_EQ(run.exit_status, 0) << run.err;
  const auto result = json::parse(run.out).as_array().at(0);
  EXPECT_EQ(result.at("checks").at("tls").at("status"), "ok");
  EXPECT_EQ(result.at("checks").at("http").at("status"), "ok");
  EXPECT_EQ(result.at("checks").at("email").at("reason"), "not selected (--checks)");
  EXPECT_TRUE(result.at("grade").is_null());
  const auto unknown = run_command({domainscan_binary(), "scan", "valid.web.test", "--checks", "tls,whois"}, 30s);
  EXPECT_EQ(unknown.exit_status, 2);
  EXPECT_NE(unknown.err.find("names a check that does not exist"), std::string::npos) << unknown.err;
}

TEST(CommandLine, BadInputIsAClearErrorWithExitStatus2) {
  const auto bad_domain = run_command({domainscan_binary(), "scan", "localhost"}, 30s);
  EXPECT_EQ(bad_domain.exit_status, 2);
  EXPECT_NE(bad_domain.err.find("localhost"), std::string::npos) << bad_domain.err;

  const auto bad_duration = run_command({domainscan_binary(), "serve", "--check-timeout", "ten"}, 30s);
  EXPECT_EQ(bad_duration.exit_status, 2);
  EXPECT_NE(bad_duration.err.find("check-timeout"), std::string::npos) << bad_duration.err;

  const auto unknown_flag = run_command({domainscan_binary(), "serve", "--no-such-flag"}, 30s);
  EXPECT_NE(unknown_flag.exit_status, 0);
  EXPECT_NE(unknown_flag.err.find("no-such-flag"), std::string::npos) << unknown_flag.err;

  const auto help = run_command({domainscan_binary(), "--help"}, 30s);
  EXPECT_EQ(help.exit_status, 0);
  for (const char* command : {"serve", "api", "worker", "scheduler", "scan", "migrate"}) {
    EXPECT_NE(help.out.find(command), std::string::npos) << command;
  }
}

}  // namespace
}  // namespace domainscan::testing
