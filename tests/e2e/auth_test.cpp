// API keys as an operator uses them: `serve` off loopback refuses to start without a key and
// says how to make one; `domainscan keys create|list|revoke`; a key required by the API and
// by /metrics, the health probes open.
#include "support/child_process.hpp"
#include "support/eventually.hpp"
#include "support/fake_virustotal.hpp"
#include "support/http_client.hpp"
#include "support/serve_process.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <fstream>

namespace domainscan::testing {
namespace {

using namespace std::chrono_literals;

class Auth : public ::testing::Test {
 protected:
  CommandResult keys(std::vector<std::string> args) {
    std::vector<std::string> argv{domainscan_binary(), "keys"};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.insert(argv.end(), {"--db", db()});
    return run_command(argv, 30s);
  }
  std::string db() const { return "sqlite:" + (dir_.path() / "d.db").string(); }
  // serve with these flags; returns its port, or 0 when it exited (the status in exit_status).
  std::uint16_t serve(std::vector<std::string> flags) {
    std::vector<std::string> argv{domainscan_binary(), "serve", "--db", db(), "--allow-suffix", "test"};
    argv.insert(argv.end(), flags.begin(), flags.end());
    process_.emplace(argv, dir_.path());
    const auto line = process_->wait_for_log("listening on http://127.0.0.1:", 20s);
    if (!line) {
      exit_status = process_->wait(20s);
      return 0;
    }
    return static_cast<std::uint16_t>(std::stoi(line->substr(line->rfind(':') + 1)));
  }
  std::string log() const { return process_ ? process_->stderr_text() : ""; }
  static HttpResponse get(std::uint16_t port, const std::string& target, const std::string& key = "") {
    std::map<std::string, std::string> headers;
    if (!key.empty()) headers["authorization"] = "Bearer " + key;
    return http_request(port, "GET", target, "", "application/json", headers);
  }

  std::optional<int> exit_status;

 private:
  TempDir dir_;
  std::optional<ChildProcess> process_;
};

TEST_F(Auth, OffLoopbackWithoutAKeyTheApiRefusesToStartAndSaysWhatToDo) {
  // (It exits before it listens: nothing is bound to a public address.)
  EXPECT_EQ(serve({"--listen", "0.0.0.0:0"}), 0);
  EXPECT_EQ(exit_status, 2);
  EXPECT_NE(log().find("requires API keys"), std::string::npos) << log();
  EXPECT_NE(log().find("domainscan keys create --name NAME --scope admin"), std::string::npos) << log();
  // So does `--auth required` on loopback; `--auth off` off loopback is the operator's call.
  EXPECT_EQ(serve({"--listen", "127.0.0.1:0", "--auth", "required"}), 0);
  EXPECT_EQ(exit_status, 2);
}

TEST_F(Auth, KeysAreCreatedListedUsedAndRevoked) {
  const auto created = keys({"create", "--name", "ci", "--scope", "read"});
  ASSERT_EQ(created.exit_status, 0) << created.err;
  const auto key = created.out.substr(0, created.out.find('\n'));
  ASSERT_EQ(key.rfind("ds_", 0), 0u) << created.out;
  EXPECT_NE(created.err.find("shown this once"), std::string::npos);
  EXPECT_EQ(keys({"create", "--name", "ci", "--scope", "admin"}).exit_status, 2);  // the name is taken

  const auto port = serve({"--listen", "127.0.0.1:0", "--auth", "required", "--metrics-auth", "required"});
  ASSERT_NE(port, 0) << log();
  EXPECT_EQ(get(port, "/api/v1/domains").status, 401);
  EXPECT_EQ(get(port, "/api/v1/domains", key).status, 200);
  EXPECT_EQ(get(port, "/metrics").status, 401);
  EXPECT_EQ(get(port, "/metrics", key).status, 200);
  EXPECT_EQ(get(port, "/healthz").status, 200);
  EXPECT_EQ(get(port, "/readyz").status, 200);
  EXPECT_EQ(get(port, "/").status, 200);  // the dashboard's page: it asks for the key itself
  // The key is written nowhere: not in the log, not in /metrics.
  EXPECT_EQ(log().find(key), std::string::npos);
  EXPECT_EQ(get(port, "/metrics", key).body.find(key), std::string::npos);

  const auto listed = keys({"list"});
  ASSERT_EQ(listed.exit_status, 0);
  EXPECT_NE(listed.out.find("ci "), std::string::npos) << listed.out;
  EXPECT_NE(listed.out.find(key.substr(0, 9)), std::string::npos) << listed.out;  // the prefix
  EXPECT_EQ(listed.out.find(key), std::string::npos);                             // never the key
  EXPECT_EQ(listed.out.find("never"), std::string::npos) << "last use not recorded:\n" << listed.out;

  ASSERT_EQ(keys({"revoke", "ci"}).exit_status, 0);
  EXPECT_EQ(keys({"revoke", "ci"}).exit_status, 2);
  EXPECT_TRUE(eventually([&] { return get(port, "/api/v1/domains", key).status == 401; }, 10s));
}

TEST_F(Auth, ImportSendsTheKeyFromTheEnvironment) {
  const auto created = keys({"create", "--name", "importer", "--scope", "write"});
  ASSERT_EQ(created.exit_status, 0) << created.err;
  const auto key = created.out.substr(0, created.out.find('\n'));
  const auto port = serve({"--listen", "127.0.0.1:0", "--auth", "required", "--dns-server", "127.0.0.1:1"});
  ASSERT_NE(port, 0) << log();
  TempDir dir;
  const auto list = (dir.path() / "l.txt").string();
  std::ofstream(list) << "one.test\ntwo.test\n";
  const auto api = "http://127.0.0.1:" + std::to_string(port);

  const auto without = run_command({domainscan_binary(), "import", list, "--api-url", api}, 30s);
  EXPECT_EQ(without.exit_status, 1);
  EXPECT_NE(without.err.find("the api refused the batch (401)"), std::string::npos) << without.err;
  const auto with = run_command({"/usr/bin/env", "DOMAINSCAN_API_KEY=" + key, domainscan_binary(), "import", list,
                                 "--api-url", api},
                                30s);
  EXPECT_EQ(with.exit_status, 0) << with.err;
  EXPECT_NE(with.out.find("2 added"), std::string::npos) << with.out;
  EXPECT_EQ(with.out.find(key), std::string::npos);
  EXPECT_EQ(with.err.find(key), std::string::npos);
}

TEST(Secrets, ADatabasePasswordIsNotLoggedWhenTheDatabaseCannotBeOpened) {
  // Nothing listens on port 1 of loopback: the database cannot be opened.
  const auto run = run_command({domainscan_binary(), "serve", "--listen", "127.0.0.1:0", "--db",
                                "postgresql://scanner:topsecret-pw@127.0.0.1:1/domainscan"},
                               30s);
  EXPECT_EQ(run.exit_status, 1);
  EXPECT_NE(run.err.find("cannot open the database postgresql://scanner:***@127.0.0.1:1/domainscan"),
            std::string::npos)
      << run.err;
  EXPECT_EQ(run.err.find("topsecret-pw"), std::string::npos) << run.err;
  EXPECT_EQ(run.out.find("topsecret-pw"), std::string::npos) << run.out;
}

TEST(Secrets, TheVirusTotalKeyIsUsedButNeverWrittenOut) {
  const std::string key = "vt-key-5f0c2a9e7d1b4c3a8e6f";
  FakeVirusTotal vt;
  vt.answer("valid.web.test", 0);
  // Debug logging: the most a log ever says.
  Serve serve({"--log-level", "debug", "--check-timeout", "3s", "--virustotal-key", key, "--virustotal-url", vt.url(),
               "--virustotal-rate", "100000"});
  const auto id = serve.scan("valid.web.test");
  const auto scan = serve.wait_for({id}, 60s).at(id);
  // The key was used: VirusTotal's answer is in the result.
  EXPECT_EQ(scan.at("checks").at("reputation").at("status"), "ok") << boost::json::serialize(scan);

  const auto written = {serve.log(), boost::json::serialize(scan), http_request(serve.port(), "GET", "/metrics").body,
                        http_request(serve.port(), "GET", "/readyz").body,
                        http_request(serve.port(), "GET", "/api/v1/domains/valid.web.test").body};
  for (const auto& text : written) EXPECT_EQ(text.find(key), std::string::npos) << text;
}

}  // namespace
}  // namespace domainscan::testing
