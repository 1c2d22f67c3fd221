#include "core/settings_sources.hpp"

#include "core/errors.hpp"

#include <fmt/format.h>
#include <toml++/toml.h>

namespace domainscan {

const std::vector<SettingDef>& setting_defs() {
  static const std::vector<SettingDef> defs = {
      {"listen", "DOMAINSCAN_LISTEN", "listen", false, "HTTP listen address HOST:PORT (default 127.0.0.1:8080)"},
      {"metrics-listen", "DOMAINSCAN_METRICS_LISTEN", "metrics_listen", false,
       "HOST:PORT where a stand-alone worker or scheduler serves /metrics and /healthz (default none)"},
      {"db", "DOMAINSCAN_DB", "db", false,
       "database: sqlite:PATH or postgresql://user:pass@host:port/db (default sqlite:domainscan.db)"},
      {"broker", "DOMAINSCAN_BROKER", "broker", false, "message bus: embedded or amqp://user:pass@host:5672/vhost"},
      {"dns-server", "DOMAINSCAN_DNS_SERVERS", "dns_servers", true,
       "DNS resolver IP[:PORT] to query (repeatable; default the system resolvers)"},
      {"ca-file", "DOMAINSCAN_CA_FILE", "ca_file", false, "extra trust anchors (PEM) for certificate checks"},
      {"trust-anchor-file", "DOMAINSCAN_TRUST_ANCHOR_FILE", "trust_anchor_file", false,
       "DNSSEC trust anchors (zone-file DS/DNSKEY lines); 'none' disables validation (default the root anchor)"},
      {"allow-target", "DOMAINSCAN_ALLOW_TARGETS", "allow_targets", true,
       "CIDR range scans may connect to although it is private or reserved (repeatable)"},
      {"allow-suffix", "DOMAINSCAN_ALLOW_SUFFIXES", "allow_suffixes", true,
       "suffix accepted though not on the public suffix list, e.g. test (repeatable)"},
      {"virustotal-key", "DOMAINSCAN_VIRUSTOTAL_KEY", "virustotal_key", false,
       "VirusTotal API key (reputation check); prefer the environment or a file to a flag, which any local user "
       "sees in the process list"},
      {"virustotal-key-file", "DOMAINSCAN_VIRUSTOTAL_KEY_FILE", "virustotal_key_file", false,
       "a file whose first line is the VirusTotal API key (a systemd credential, a container secret)"},
      {"virustotal-url", "DOMAINSCAN_VIRUSTOTAL_URL", "virustotal_url", false,
       "VirusTotal API base URL (default https://www.virustotal.com)"},
      {"virustotal-rate", "DOMAINSCAN_VIRUSTOTAL_RATE", "virustotal_rate", false,
       "VirusTotal calls a minute, shared by every worker (default 4)"},
      {"virustotal-daily", "DOMAINSCAN_VIRUSTOTAL_DAILY", "virustotal_daily", false,
       "VirusTotal calls a UTC day, shared by every worker (default 500)"},
      {"virustotal-cache", "DOMAINSCAN_VIRUSTOTAL_CACHE", "virustotal_cache", false,
       "how long a domain's VirusTotal answer is reused (default 24h; 0s: not at all)"},
      {"rdap-url", "DOMAINSCAN_RDAP_URL", "rdap_url", false,
       "RDAP server base URL (default: from the shipped IANA bootstrap file)"},
      {"scan-concurrency", "DOMAINSCAN_SCAN_CONCURRENCY", "scan_concurrency", false,
       "scans in flight per worker (default 256)"},
      {"check-timeout", "DOMAINSCAN_CHECK_TIMEOUT", "check_timeout", false, "timeout per network check (default 10s)"},
      {"scan-lease", "DOMAINSCAN_SCAN_LEASE", "scan_lease", false,
       "how long a worker's claim on a scan lasts unless renewed: a dead worker's scans are taken over after it "
       "(default 30s)"},
      {"bad-after", "DOMAINSCAN_BAD_AFTER", "bad_after", false,
       "consecutive failed scans before a domain is marked bad (default 3)"},
      {"checks", "DOMAINSCAN_CHECKS", "checks", true,
       "the checks a scan runs, e.g. tls,http (default all: dns,email,tls,http,rdap,reputation)"},
      {"expiry-thresholds", "DOMAINSCAN_EXPIRY_THRESHOLDS", "expiry_thresholds", true,
       "days before a certificate or registration expires at which to tell, e.g. 30,14,7,1 (the default)"},
      {"webhook-timeout", "DOMAINSCAN_WEBHOOK_TIMEOUT", "webhook_timeout", false,
       "time a webhook receiver has to answer one delivery (default 10s)"},
      {"webhook-concurrency", "DOMAINSCAN_WEBHOOK_CONCURRENCY", "webhook_concurrency", false,
       "webhook deliveries in flight per worker (default 16)"},
      {"header-timeout", "DOMAINSCAN_HEADER_TIMEOUT", "header_timeout", false,
       "time a client has to send a request's header (default 10s)"},
      {"keepalive-timeout", "DOMAINSCAN_KEEPALIVE_TIMEOUT", "keepalive_timeout", false,
       "idle time before a kept-alive connection is closed (default 30s)"},
      {"max-connections-per-client", "DOMAINSCAN_MAX_CONNECTIONS_PER_CLIENT", "max_connections_per_client", false,
       "connections one client address may hold open (default 64)"},
      {"bulk-max", "DOMAINSCAN_BULK_MAX", "bulk_max", false,
       "most domains one bulk submission may hold (default 10000)"},
      {"rate-limit", "DOMAINSCAN_RATE_LIMIT", "rate_limit", false,
       "requests per client (key, or address): RATE/s[:BURST] or off (default 50/s:100)"},
      {"scan-rate-limit", "DOMAINSCAN_SCAN_RATE_LIMIT", "scan_rate_limit", false,
       "scans queued per client (a bulk submission: one per new domain): RATE/s[:BURST] or off (default 5/s:10000)"},
      {"rescan-cooldown", "DOMAINSCAN_RESCAN_COOLDOWN", "rescan_cooldown", false,
       "a rescan this soon after the last scan answers with that scan (default 60s; 0s: off)"},
      {"public-url", "DOMAINSCAN_PUBLIC_URLS", "public_urls", true,
       "a URL browsers reach the API at besides the listen address, e.g. a reverse proxy's https://scanner.example.net "
       "(repeatable): requests naming other hosts, and changes sent by pages of other origins, are refused"},
      {"seed-compat", "DOMAINSCAN_SEED_COMPAT", "seed_compat", false,
       "on: GET /domain?domain= adds an unknown domain and queues a scan, as the seed system did (default off: 404)"},
      {"keep-scans", "DOMAINSCAN_KEEP_SCANS", "keep_scans", false,
       "scan history kept per domain: an age (90d, the default), a count (100), both (90d,100) or all; the newest 10 "
       "are kept whatever their age"},
      {"auth", "DOMAINSCAN_AUTH", "auth", false,
       "API keys: auto (required unless listening on loopback; the default), required, off"},
      {"metrics-auth", "DOMAINSCAN_METRICS_AUTH", "metrics_auth", false,
       "a read key for /metrics: auto (unless listening on loopback; the default), required, off"},
      {"log-level", "DOMAINSCAN_LOG_LEVEL", "log_level", false, "trace, debug, info, warn, error (default info)"},
      {"log-format", "DOMAINSCAN_LOG_FORMAT", "log_format", false, "text or json (default text)"},
  };
  return defs;
}

SettingFlags::SettingFlags(CLI::App& app) {
  config_ = app.add_option("--config", "TOML file holding settings (env DOMAINSCAN_CONFIG)");
  for (const auto& def : setting_defs()) {
    auto* opt = app.add_option(fmt::format("--{}", def.key), def.help);
    opt->expected(1);
    opt->multi_option_policy(def.repeatable ? CLI::MultiOptionPolicy::TakeAll : CLI::MultiOptionPolicy::TakeLast);
    opt->group("Settings");
    options_[def.key] = opt;
  }
}

Settings SettingFlags::resolve(const GetEnv& getenv) const {
  RawSettings flags;
  for (const auto& [key, opt] : options_) {
    if (opt->count() > 0) flags[key] = opt->results();
  }
  RawSettings merged = merge_settings(std::move(flags), settings_from_env(getenv));

  std::string config_path;
  if (config_->count() > 0) {
    config_path = config_->results().back();
  } else if (const char* env = getenv("DOMAINSCAN_CONFIG"); env && *env) {
    config_path = env;
  }
  if (!config_path.empty()) merged = merge_settings(std::move(merged), settings_from_toml_file(config_path));
  return settings_from_raw(merged);
}

RawSettings settings_from_env(const GetEnv& getenv) {
  RawSettings raw;
  for (const auto& def : setting_defs()) {
    const char* value = getenv(def.env);
    if (value == nullptr || *value == '\0') continue;
    std::vector<std::string> values;
    if (def.repeatable) {
      std::string_view rest = value;
      while (!rest.empty()) {
        const auto comma = rest.find(',');
        const auto item = rest.substr(0, comma);
        if (!item.empty()) values.emplace_back(item);
        if (comma == std::string_view::npos) break;
        rest.remove_prefix(comma + 1);
      }
    } else {
      values.emplace_back(value);
    }
    raw[def.key] = std::move(values);
  }
  return raw;
}

namespace {

std::string toml_scalar(const toml::node& node, const std::string& key) {
  if (auto s = node.value<std::string>()) return *s;
  if (node.is_integer()) return std::to_string(*node.value<std::int64_t>());
  if (node.is_boolean()) return *node.value<bool>() ? "on" : "off";
  throw ValidationError("invalid_setting", fmt::format("config key '{}' must be a string, an integer or a boolean", key));
}

}  // namespace

RawSettings settings_from_toml_file(const std::string& path) {
  toml::table table;
  try {
    table = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    throw ValidationError("invalid_setting", fmt::format("config file {}: {}", path, e.description()));
  }
  RawSettings raw;
  for (const auto& [key, node] : table) {
    const std::string name(key.str());
    const auto def = std::find_if(setting_defs().begin(), setting_defs().end(),
                                  [&](const SettingDef& d) { return name == d.toml; });
    if (def == setting_defs().end()) {
      throw ValidationError("invalid_setting", fmt::format("config file {}: unknown key '{}'", path, name));
    }
    std::vector<std::string> values;
    if (const auto* array = node.as_array()) {
      if (!def->repeatable) {
        throw ValidationError("invalid_setting", fmt::format("config file {}: '{}' takes one value", path, name));
      }
      for (const auto& item : *array) values.push_back(toml_scalar(item, name));
    } else {
      values.push_back(toml_scalar(node, name));
    }
    raw[def->key] = std::move(values);
  }
  return raw;
}

RawSettings merge_settings(RawSettings higher, const RawSettings& lower) {
  for (const auto& [key, values] : lower) higher.try_emplace(key, values);
  return higher;
}

}  // namespace domainscan
