#include "core/errors.hpp"
#include "core/settings_sources.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <map>

namespace domainscan {
namespace {

using namespace std::chrono_literals;

// Parses argv with the real flags, and an environment given as a map.
Settings parse(std::vector<std::string> args, std::map<std::string, std::string> env = {}) {
  CLI::App app{"test"};
  SettingFlags flags(app);
  args.insert(args.begin(), "domainscan");
  std::vector<const char*> argv;
  for (auto& a : args) argv.push_back(a.c_str());
  app.parse(static_cast<int>(argv.size()), argv.data());
  return flags.resolve([&](const char* name) -> const char* {
    auto it = env.find(name);
    return it == env.end() ? nullptr : it->second.c_str();
  });
}

TEST(Settings, DefaultsMatchTheArchitecture) {
  const auto s = parse({});
  EXPECT_EQ(s.listen.to_string(), "127.0.0.1:8080");
  EXPECT_EQ(s.db, "sqlite:domainscan.db");
  EXPECT_EQ(s.broker, "embedded");
  EXPECT_TRUE(s.dns_servers.empty());
  EXPECT_EQ(s.scan_concurrency, 256);
  EXPECT_EQ(s.check_timeout, 10s);
  EXPECT_EQ(s.bad_after, 3);
  EXPECT_EQ(s.virustotal_url, "https://www.virustotal.com");
  EXPECT_EQ(s.virustotal_rate, 4);
  EXPECT_EQ(s.virustotal_daily, 500);
  EXPECT_EQ(s.virustotal_cache, 24h);
  EXPECT_EQ(s.expiry_thresholds, (std::vector<int>{30, 14, 7, 1}));
  EXPECT_EQ(s.webhook_timeout, 10s);
  EXPECT_EQ(s.webhook_concurrency, 16);
  EXPECT_EQ(s.header_timeout, 10s);
  EXPECT_EQ(s.keepalive_timeout, 30s);
  EXPECT_EQ(s.max_connections_per_client, 64);
  EXPECT_EQ(s.auth, "auto");
  EXPECT_EQ(s.metrics_auth, "auto");
  EXPECT_TRUE(s.public_urls.empty());
  EXPECT_FALSE(s.seed_compat);
  EXPECT_EQ(s.keep_scans_age, std::optional<std::chrono::milliseconds>(90 * 24h));
  EXPECT_FALSE(s.keep_scans_count);
}

TEST(Settings, PublicUrlsAndSeedCompat) {
  const auto s = parse({"--public-url", "https://scanner.example.net/", "--seed-compat", "on"},
                       {{"DOMAINSCAN_PUBLIC_URLS", "http://ignored.example"}});
  EXPECT_EQ(s.public_urls, (std::vector<std::string>{"https://scanner.example.net"}));
  EXPECT_TRUE(s.seed_compat);
  const auto e = parse({}, {{"DOMAINSCAN_PUBLIC_URLS", "https://a.example,http://b.example:8080"},
                            {"DOMAINSCAN_SEED_COMPAT", "off"}});
  EXPECT_EQ(e.public_urls.size(), 2u);
  EXPECT_FALSE(e.seed_compat);
}

TEST(Settings, KeepScansByAgeCountBothOrAll) {
  const auto count = parse({"--keep-scans", "100"});
  EXPECT_FALSE(count.keep_scans_age);
  EXPECT_EQ(count.keep_scans_count, std::optional<int>(100));
  const auto both = parse({"--keep-scans", "30d,50"});
  EXPECT_EQ(both.keep_scans_age, std::optional<std::chrono::milliseconds>(30 * 24h));
  EXPECT_EQ(both.keep_scans_count, std::optional<int>(50));
  const auto all = parse({"--keep-scans", "all"});
  EXPECT_FALSE(all.keep_scans_age);
  EXPECT_FALSE(all.keep_scans_count);
}

TEST(Settings, ExposureSettings) {
  const auto s = parse({"--header-timeout", "3s", "--auth", "required", "--max-connections-per-client", "8"},
                       {{"DOMAINSCAN_METRICS_AUTH", "off"}, {"DOMAINSCAN_KEEPALIVE_TIMEOUT", "5s"}});
  EXPECT_EQ(s.header_timeout, 3s);
  EXPECT_EQ(s.keepalive_timeout, 5s);
  EXPECT_EQ(s.max_connections_per_client, 8);
  EXPECT_EQ(s.auth, "required");
  EXPECT_EQ(s.metrics_auth, "off");
}

TEST(Settings, WebhookDelivery) {
  const auto s = parse({"--webhook-timeout", "2500ms"}, {{"DOMAINSCAN_WEBHOOK_CONCURRENCY", "4"}});
  EXPECT_EQ(s.webhook_timeout, 2500ms);
  EXPECT_EQ(s.webhook_concurrency, 4);
}

TEST(Settings, ExpiryThresholdsAsAListInAnyOrder) {
  EXPECT_EQ(parse({"--expiry-thresholds", "7,60,7,21"}).expiry_thresholds, (std::vector<int>{60, 21, 7}));
  EXPECT_EQ(parse({"--expiry-thresholds", "10", "--expiry-thresholds", "3"}).expiry_thresholds,
            (std::vector<int>{10, 3}));
  EXPECT_EQ(parse({}, {{"DOMAINSCAN_EXPIRY_THRESHOLDS", "45,5"}}).expiry_thresholds, (std::vector<int>{45, 5}));
}

TEST(Settings, TheChecksAScanRuns) {
  const std::vector<std::string> all{"dns", "email", "tls", "http", "rdap", "reputation"};
  EXPECT_EQ(parse({}).checks, all);
  EXPECT_EQ(parse({"--checks", "http, TLS"}).checks, (std::vector<std::string>{"tls", "http"}));
  EXPECT_EQ(parse({"--checks", "rdap", "--checks", "dns"}).checks, (std::vector<std::string>{"dns", "rdap"}));
  EXPECT_EQ(parse({}, {{"DOMAINSCAN_CHECKS", "all"}}).checks, all);
  EXPECT_THROW(parse({"--checks", "tls,whois"}), ValidationError);
}

TEST(Settings, TheVirusTotalBudget) {
  const auto s = parse({"--virustotal-rate", "30", "--virustotal-cache", "1h30m"}, {{"DOMAINSCAN_VIRUSTOTAL_DAILY", "20000"}});
  EXPECT_EQ(s.virustotal_rate, 30);
  EXPECT_EQ(s.virustotal_daily, 20000);
  EXPECT_EQ(s.virustotal_cache, 90min);
}

TEST(Settings, FlagsWinOverEnvironment) {
  const auto s = parse({"--listen", "127.0.0.1:9000"},
                       {{"DOMAINSCAN_LISTEN", "127.0.0.1:7000"}, {"DOMAINSCAN_BAD_AFTER", "5"}});
  EXPECT_EQ(s.listen.port, 9000);
  EXPECT_EQ(s.bad_after, 5);
}

TEST(Settings, ListsFromRepeatedFlagsAndCommaSeparatedEnv) {
  const auto s = parse({"--dns-server", "127.0.0.1:5353", "--dns-server", "::1"});
  ASSERT_EQ(s.dns_servers.size(), 2u);
  EXPECT_EQ(s.dns_servers[0].port, 5353);
  EXPECT_EQ(s.dns_servers[1].host, "::1");
  EXPECT_EQ(s.dns_servers[1].port, 53);
  const auto e = parse({}, {{"DOMAINSCAN_ALLOW_TARGETS", "127.0.0.0/8,::1/128"}, {"DOMAINSCAN_ALLOW_SUFFIXES", "test,.Local."}});
  EXPECT_EQ(e.allow_targets.size(), 2u);
  EXPECT_EQ(e.allow_suffixes, (std::vector<std::string>{"test", "local"}));
}

TEST(Settings, TomlFileBelowEnvironmentAndFlags) {
  testing::TempDir dir;
  const auto path = (dir.path() / "domainscan.toml").string();
  std::ofstream(path) << "listen = \"127.0.0.1:6000\"\nbad_after = 7\nscan_concurrency = 9\n"
                         "dns_servers = [\"127.0.0.1:53\"]\ncheck_timeout = \"3s\"\n";
  const auto s = parse({"--config", path, "--scan-concurrency", "11"}, {{"DOMAINSCAN_BAD_AFTER", "2"}});
  EXPECT_EQ(s.listen.port, 6000);
  EXPECT_EQ(s.bad_after, 2);
  EXPECT_EQ(s.scan_concurrency, 11);
  EXPECT_EQ(s.check_timeout, 3s);
  EXPECT_EQ(s.dns_servers.size(), 1u);
}

TEST(Settings, UnknownTomlKeyFailsLoudly) {
  testing::TempDir dir;
  const auto path = (dir.path() / "bad.toml").string();
  std::ofstream(path) << "lisen = \"127.0.0.1:6000\"\n";
  EXPECT_THROW(parse({"--config", path}), ValidationError);
}

TEST(Settings, BadValuesAreClearErrors) {
  const std::vector<std::vector<std::string>> bad = {
      {"--check-timeout", "ten seconds"}, {"--check-timeout", "0s"},      {"--allow-target", "10.0.0.0/99"},
      {"--allow-target", "example.com"},  {"--dns-server", "dns.google"}, {"--listen", "127.0.0.1"},
      {"--db", "mysql://x"},              {"--broker", "redis://x"},       {"--scan-concurrency", "0"},
      {"--bad-after", "three"},           {"--rdap-url", "ftp://x"},       {"--ca-file", "/nonexistent.pem"},
      {"--log-format", "xml"},            {"--virustotal-rate", "0"},      {"--virustotal-daily", "-1"},
      {"--virustotal-cache", "a day"},    {"--expiry-thresholds", "30,soon"}, {"--expiry-thresholds", "-1"},
      {"--auth", "sometimes"},            {"--metrics-auth", "yes"},        {"--header-timeout", "0s"},
      {"--max-connections-per-client", "0"},
      {"--webhook-timeout", "0s"},        {"--webhook-timeout", "1h"},      {"--webhook-concurrency", "0"},
      {"--public-url", "scanner.example.net"}, {"--public-url", "ftp://x"}, {"--seed-compat", "maybe"},
      {"--keep-scans", "forever"},        {"--keep-scans", "0"},            {"--keep-scans", "10m"},
      {"--keep-scans", "5,6"},
  };
  for (const auto& args : bad) {
    try {
      parse(args);
      ADD_FAILURE() << "accepted " << args[0] << " " << args[1];
    } catch (const ValidationError& e) {
      EXPECT_NE(std::string(e.what()).find(args[0].substr(2)), std::string::npos)
          << "message does not name the setting: " << e.what();
    }
  }
}

TEST(Settings, ErrorsNeverEchoAPassword) {
  try {
    parse({"--virustotal-url", "ftp://user:s3cret@vt.example/"});
    ADD_FAILURE() << "accepted an ftp:// URL";
  } catch (const ValidationError& e) {
    EXPECT_EQ(std::string(e.what()).find("s3cret"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("virustotal-url"), std::string::npos) << e.what();
  }
}

TEST(Settings, TheVirusTotalKeyFromAFile) {
  testing::TempDir dir;
  const auto path = (dir.path() / "vt.key").string();
  std::ofstream(path) << "  abc123def \nsecond line\n";
  EXPECT_EQ(parse({"--virustotal-key-file", path}).virustotal_key, "abc123def");
  EXPECT_EQ(parse({}, {{"DOMAINSCAN_VIRUSTOTAL_KEY_FILE", path}}).virustotal_key, "abc123def");
  // Both: which one is meant is unclear, so neither is taken.
  EXPECT_THROW(parse({"--virustotal-key-file", path}, {{"DOMAINSCAN_VIRUSTOTAL_KEY", "other"}}), ValidationError);
  try {
    parse({"--virustotal-key-file", (dir.path() / "missing").string()});
    ADD_FAILURE() << "accepted a file that does not exist";
  } catch (const ValidationError& e) {
    EXPECT_NE(std::string(e.what()).find("virustotal-key-file"), std::string::npos) << e.what();
  }
}

// The settings file the package installs (/etc/domainscan/domainscan.toml) changes nothing
// as shipped, names every setting, and each example is a value the setting takes.
TEST(Settings, ThePackagedSettingsFileNamesEverySettingWithAValidExample) {
  std::ifstream in(std::string(DOMAINSCAN_SOURCE_DIR) + "/deploy/domainscan.toml");
  ASSERT_TRUE(in) << "deploy/domainscan.toml";
  std::map<std::string, std::string> examples;  // TOML key -> the commented line
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    ASSERT_EQ(line.front(), '#') << "the shipped file sets something: " << line;
    const auto eq = line.find(" = ");
    if (eq == std::string::npos || line.find(' ', 2) != eq) continue;  // prose, not "# key = value"
    examples[line.substr(2, eq - 2)] = line.substr(2);
  }
  testing::TempDir dir;
  const auto path = (dir.path() / "one.toml").string();
  for (const auto& def : setting_defs()) {
    const auto it = examples.find(def.toml);
    ASSERT_NE(it, examples.end()) << def.toml << " is not in deploy/domainscan.toml";
    // Its example names a file that exists only where an operator put it.
    if (std::string(def.toml) == "virustotal_key_file") continue;
    std::ofstream(path) << it->second << "\n";
    try {
      settings_from_raw(settings_from_toml_file(path));
    } catch (const ValidationError& e) {
      ADD_FAILURE() << it->second << ": " << e.what();
    }
  }
}

TEST(Settings, TrustAnchorNoneDisablesValidation) {
  EXPECT_FALSE(parse({"--trust-anchor-file", "none"}).trust_anchor_file.has_value());
}

}  // namespace
}  // namespace domainscan
