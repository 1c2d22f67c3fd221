#pragma once
// Every setting of ARCHITECTURE.md's table, typed and validated. Built from raw strings that
// come from flags, DOMAINSCAN_* environment variables and an optional TOML file, in that
// order of precedence (see settings_sources.hpp).
#include <boost/asio/ip/network_v4.hpp>
#include <boost/asio/ip/network_v6.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace domainscan {

struct HostPort {
  std::string host;
  std::uint16_t port = 0;
  std::string to_string() const;
};

using Cidr = std::variant<boost::asio::ip::network_v4, boost::asio::ip::network_v6>;


struct Settings {
  HostPort listen{"127.0.0.1", 8080};
  // A stand-alone worker's or scheduler's /metrics and /healthz (the api serves its own on
  // --listen); unset: none.
  std::optional<HostPort> metrics_listen;
  std::string db = "sqlite:domainscan.db";
  std::string broker = "embedded";
  std::vector<HostPort> dns_servers;          // empty: the system resolvers
  std::optional<std::string> ca_file;
  std::optional<std::string> trust_anchor_file;  // nullopt: no DNSSEC validation
  std::vector<Cidr> allow_targets;
  std::vector<std::string> allow_suffixes;
  std::optional<std::string> virustotal_key;
  std::string virustotal_url = "https://www.virustotal.com";
  int virustotal_rate = 4;     // calls a minute, for every worker together
  int virustotal_daily = 500;  // calls a UTC day, for every worker together
  std::chrono::milliseconds virustotal_cache = std::chrono::hours(24);  // how long an answer is reused
  std::optional<std::string> rdap_url;
  int scan_concurrency = 256;
  std::chrono::milliseconds check_timeout{10'000};
  // A worker's claim on a scan (store::ClaimLease), renewed every third of it while it scans.
  std::chrono::milliseconds scan_lease{30'000};
  int bad_after = 3;
  // Days before a certificate or a registration expires at which an event tells (once each).
  std::vector<int> expiry_thresholds{30, 14, 7, 1};
  // The checks a scan runs (--checks): all of them by default. Others are reported skipped.
  std::vector<std::string> checks{"dns", "email", "tls", "http", "rdap", "reputation"};
  std::chrono::milliseconds webhook_timeout{10'000};  // per webhook delivery attempt
  int webhook_concurrency = 16;                       // delivery attempts in flight per worker
  // Slow and abusive clients (api/server.hpp).
  std::chrono::milliseconds header_timeout{10'000};
  std::chrono::milliseconds keepalive_timeout{30'000};
  int max_connections_per_client = 64;
  int bulk_max = 10'000;  // names one bulk submission may hold
  // Rate limits per client (api/rate_limiter.hpp): requests a second and burst; 0: none.
  double rate_limit = 50, rate_burst = 100;
  // Scans: a burst as large as a bulk submission, so that importing a list of that size
  // goes through at once; past it, 5 a second.
  double scan_rate_limit = 5, scan_rate_burst = 10'000;
  // A rescan of a domain scanned this recently answers with that scan instead.
  std::chrono::milliseconds rescan_cooldown{60'000};
  // The URLs browsers reach the API at besides its listen address (a reverse proxy's, a
  // name on the network): their hosts and origins pass api/origin_guard.hpp's checks.
  std::vector<std::string> public_urls;
  // The seed system's GET /domain?domain= adds an unknown domain and queues its scan only
  // when this is on: a GET that changes something is reachable from any web page.
  bool seed_compat = false;
  // Scan history kept per domain (the scheduler prunes the rest in small batches): scans
  // younger than keep_scans_age, and at most keep_scans_count scans; the newest
  // kKeepScansAlways of each domain are kept whatever their age. Unset: no limit of that kind.
  std::optional<std::chrono::milliseconds> keep_scans_age = std::chrono::hours(24 * 90);
  std::optional<int> keep_scans_count;
  // API keys: auto (required unless the listen address is loopback), required, off.
  std::string auth = "auto";
  std::string metrics_auth = "auto";  // the same, for /metrics
  std::string log_level = "info";
  std::string log_format = "text";
};

// However old, a domain's newest scans are kept (--keep-scans by age).
inline constexpr int kKeepScansAlways = 10;

// Where the packaged DNS root trust anchor lives (Debian's dns-root-data).
inline constexpr const char* kDefaultTrustAnchorFile = "/usr/share/dns/root.key";

// Raw values by setting key ("listen", "dns-server", ...); lists have several entries.
using RawSettings = std::map<std::string, std::vector<std::string>>;

// Typed and validated settings; throws ValidationError naming the setting and its source.
Settings settings_from_raw(const RawSettings& raw);

// "host:port", "[v6]:port"; default_port when the port is left out (0: port required).
HostPort parse_host_port(const std::string& text, std::uint16_t default_port);
Cidr parse_cidr(const std::string& text);

}  // namespace domainscan
