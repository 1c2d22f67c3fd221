#include "core/settings.hpp"

#include "core/duration.hpp"
#include "core/errors.hpp"
#include "core/redact.hpp"
#include "core/text.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/url/parse.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <tuple>
#include <charconv>
#include <functional>
#include <filesystem>
#include <fstream>

namespace domainscan {
namespace {

// The message echoes the value so that a typo shows, but never a secret: not an API key,
// nor a URL's password (the error may reach a log).
[[noreturn]] void bad_setting(const std::string& key, const std::string& value, const std::string& why) {
  if (key == "virustotal-key") throw ValidationError("invalid_setting", fmt::format("setting {}: the value {}", key, why));
  throw ValidationError("invalid_setting", fmt::format("setting {}: '{}' {}", key, without_password(value), why));
}

// A secret kept in a file (a systemd credential, a Docker or Kubernetes secret): its first
// line, without the line break or surrounding blanks.
std::string secret_from_file(const std::string& key, const std::string& path) {
  std::ifstream in(path);
  if (!in) bad_setting(key, path, "cannot be read");
  std::string line;
  std::getline(in, line);
  const auto first = line.find_first_not_of(" \t\r");
  const auto last = line.find_last_not_of(" \t\r");
  if (first == std::string::npos) bad_setting(key, path, "is empty");
  return line.substr(first, last - first + 1);
}

const std::string* single(const RawSettings& raw, const std::string& key) {
  auto it = raw.find(key);
  if (it == raw.end() || it->second.empty()) return nullptr;
  return &it->second.back();
}

const std::vector<std::string>& list(const RawSettings& raw, const std::string& key) {
  static const std::vector<std::string> empty;
  auto it = raw.find(key);
  return it == raw.end() ? empty : it->second;
}

int parse_int(const std::string& key, const std::string& value, int min, int max) {
  int out = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), out);
  if (ec != std::errc{} || end != value.data() + value.size()) bad_setting(key, value, "is not a whole number");
  if (out < min || out > max) bad_setting(key, value, fmt::format("is out of range {}-{}", min, max));
  return out;
}

std::chrono::milliseconds duration_setting(const std::string& key, const std::string& value) {
  try {
    return parse_duration(value);
  } catch (const ValidationError&) {
    bad_setting(key, value, "is not a duration; write e.g. 10s, 500ms, 2m, 1h30m, 7d");
  }
}

std::string parse_http_url(const std::string& key, const std::string& value) {
  auto url = boost::urls::parse_absolute_uri(value);
  if (!url || (url->scheme() != "http" && url->scheme() != "https") || url->host().empty()) {
    bad_setting(key, value, "is not an http:// or https:// URL");
  }
  std::string out = value;
  while (out.size() > 1 && out.back() == '/') out.pop_back();
  return out;
}

std::string readable_file(const std::string& key, const std::string& value) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(value, ec)) bad_setting(key, value, "is not a readable file");
  return value;
}

std::string parse_db(const std::string& value) {
  if (value.starts_with("sqlite:")) {
    if (value.size() == 7) bad_setting("db", value, "names no file (write sqlite:PATH)");
    return value;
  }
  if (value.starts_with("postgresql://") || value.starts_with("postgres://")) {
    if (!boost::urls::parse_absolute_uri(value)) bad_setting("db", value, "is not a valid URL");
    return value;
  }
  bad_setting("db", value, "must start with sqlite: or postgresql://");
}

std::string parse_broker(const std::string& value) {
  if (value == "embedded") return value;
  auto url = boost::urls::parse_absolute_uri(value);
  if (!url || (url->scheme() != "amqp" && url->scheme() != "amqps") || url->host().empty()) {
    bad_setting("broker", value, "must be 'embedded' or an amqp:// or amqps:// URL");
  }
  return value;
}

std::string parse_suffix(const std::string& value) {
  std::string s = value;
  while (!s.empty() && s.front() == '.') s.erase(s.begin());
  while (!s.empty() && s.back() == '.') s.pop_back();
  if (s.empty() || s.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-.ABCDEFGHIJKLMNOPQRSTUVWXYZ") !=
                       std::string::npos) {
    bad_setting("allow-suffix", value, "is not a domain suffix (letters, digits, '-' and '.')");
  }
  return to_lower(s);
}

bool parse_switch(const std::string& key, const std::string& value) {
  const auto v = to_lower(trim(value));
  if (v == "on" || v == "true" || v == "yes" || v == "1") return true;
  if (v == "off" || v == "false" || v == "no" || v == "0") return false;
  bad_setting(key, value, "must be on or off");
}

// The items of a comma-separated value ("tls,http"), each trimmed; empty ones included, so
// that a stray comma is an error of the setting.
std::vector<std::string_view> comma_items(std::string_view value) {
  std::vector<std::string_view> items;
  while (true) {
    const auto comma = value.find(',');
    items.push_back(trim(value.substr(0, comma)));
    if (comma == std::string_view::npos) return items;
    value.remove_prefix(comma + 1);
  }
}

// "90d", "100", "90d,100" or "all".
void parse_keep_scans(const std::string& value, Settings& s) {
  s.keep_scans_age.reset();
  s.keep_scans_count.reset();
  if (to_lower(trim(value)) == "all") return;
  for (const auto item : comma_items(value)) {
    const std::string part(item);
    if (!part.empty() && part.find_first_not_of("0123456789") == std::string::npos) {
      if (s.keep_scans_count) bad_setting("keep-scans", value, "gives two counts");
      s.keep_scans_count = parse_int("keep-scans", part, 1, 1'000'000);
    } else {
      if (s.keep_scans_age) bad_setting("keep-scans", value, "gives two ages");
      try {
        s.keep_scans_age = parse_duration(part);
      } catch (const ValidationError&) {
        bad_setting("keep-scans", value, "must be an age (90d), a count (100), both (90d,100) or all");
      }
      if (*s.keep_scans_age < std::chrono::hours(1)) bad_setting("keep-scans", value, "keeps scans less than an hour");
    }
  }
}

}  // namespace

std::string HostPort::to_string() const {
  return host.find(':') != std::string::npos ? fmt::format("[{}]:{}", host, port) : fmt::format("{}:{}", host, port);
}

HostPort parse_host_port(const std::string& text, std::uint16_t default_port) {
  HostPort out;
  std::string port_text;
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string::npos) throw ValidationError("invalid_setting", fmt::format("'{}': missing ']'", text));
    out.host = text.substr(1, close - 1);
    if (close + 1 < text.size()) {
      if (text[close + 1] != ':') throw ValidationError("invalid_setting", fmt::format("'{}': expected ':' after ']'", text));
      port_text = text.substr(close + 2);
    }
  } else if (std::count(text.begin(), text.end(), ':') > 1) {
    out.host = text;  // a bare IPv6 address
  } else if (const auto colon = text.rfind(':'); colon != std::string::npos) {
    out.host = text.substr(0, colon);
    port_text = text.substr(colon + 1);
  } else {
    out.host = text;
  }
  if (out.host.empty()) throw ValidationError("invalid_setting", fmt::format("'{}': no host", text));
  if (port_text.empty()) {
    if (default_port == 0) throw ValidationError("invalid_setting", fmt::format("'{}': no port (write HOST:PORT)", text));
    out.port = default_port;
  } else {
    out.port = static_cast<std::uint16_t>(parse_int("port", port_text, 0, 65535));
  }
  return out;
}

Cidr parse_cidr(const std::string& text) {
  boost::system::error_code ec;
  const auto slash = text.find('/');
  const auto addr = boost::asio::ip::make_address(text.substr(0, slash), ec);
  if (ec) throw ValidationError("invalid_setting", fmt::format("'{}' is not an address range (CIDR)", text));
  const int max_prefix = addr.is_v4() ? 32 : 128;
  const int prefix = slash == std::string::npos ? max_prefix : parse_int("prefix", text.substr(slash + 1), 0, max_prefix);
  if (addr.is_v4()) return boost::asio::ip::network_v4(addr.to_v4(), static_cast<unsigned short>(prefix)).canonical();
  return boost::asio::ip::network_v6(addr.to_v6(), static_cast<unsigned short>(prefix)).canonical();
}

Settings settings_from_raw(const RawSettings& raw) {
  Settings s;
  try {
    if (auto v = single(raw, "listen")) s.listen = parse_host_port(*v, 0);
  } catch (const ValidationError& e) {
    bad_setting("listen", *single(raw, "listen"), e.what());
  }
  if (auto v = single(raw, "metrics-listen")) {
    try {
      s.metrics_listen = parse_host_port(*v, 0);
    } catch (const ValidationError& e) {
      bad_setting("metrics-listen", *v, e.what());
    }
  }
  if (auto v = single(raw, "db")) s.db = parse_db(*v);
  if (auto v = single(raw, "broker")) s.broker = parse_broker(*v);
  for (const auto& v : list(raw, "dns-server")) {
    HostPort hp;
    try {
      hp = parse_host_port(v, 53);
    } catch (const ValidationError& e) {
      bad_setting("dns-server", v, e.what());
    }
    boost::system::error_code ec;
    boost::asio::ip::make_address(hp.host, ec);
    if (ec) bad_setting("dns-server", v, "must be an IP address (optionally :PORT)");
    s.dns_servers.push_back(hp);
  }
  if (auto v = single(raw, "ca-file")) s.ca_file = readable_file("ca-file", *v);
  if (auto v = single(raw, "trust-anchor-file")) {
    if (*v != "none") s.trust_anchor_file = readable_file("trust-anchor-file", *v);
  } else if (std::error_code ec; std::filesystem::is_regular_file(kDefaultTrustAnchorFile, ec)) {
    s.trust_anchor_file = kDefaultTrustAnchorFile;
  }
  for (const auto& v : list(raw, "allow-target")) {
    try {
      s.allow_targets.push_back(parse_cidr(v));
    } catch (const ValidationError&) {
      bad_setting("allow-target", v, "is not an address range (e.g. 127.0.0.0/8 or ::1/128)");
    }
  }
  for (const auto& v : list(raw, "allow-suffix")) s.allow_suffixes.push_back(parse_suffix(v));
  if (auto v = single(raw, "virustotal-key")) s.virustotal_key = *v;
  if (auto v = single(raw, "virustotal-key-file")) {
    if (s.virustotal_key) bad_setting("virustotal-key-file", *v, "is set as well as virustotal-key: give one");
    s.virustotal_key = secret_from_file("virustotal-key-file", *v);
  }
  if (auto v = single(raw, "virustotal-url")) s.virustotal_url = parse_http_url("virustotal-url", *v);
  if (auto v = single(raw, "virustotal-rate")) s.virustotal_rate = parse_int("virustotal-rate", *v, 1, 100000);
  if (auto v = single(raw, "virustotal-daily")) s.virustotal_daily = parse_int("virustotal-daily", *v, 0, 100000000);
  if (auto v = single(raw, "virustotal-cache")) s.virustotal_cache = duration_setting("virustotal-cache", *v);
  if (auto v = single(raw, "rdap-url")) s.rdap_url = parse_http_url("rdap-url", *v);
  // Beyond some thousands of scans in flight a worker runs out of sockets before it gains speed.
  if (auto v = single(raw, "scan-concurrency")) s.scan_concurrency = parse_int("scan-concurrency", *v, 1, 10000);
  if (auto v = single(raw, "check-timeout")) {
    s.check_timeout = duration_setting("check-timeout", *v);
    if (s.check_timeout < std::chrono::milliseconds(100) || s.check_timeout > std::chrono::minutes(10)) {
      bad_setting("check-timeout", *v, "is out of range 100ms-10m");
    }
  }
  if (auto v = single(raw, "scan-lease")) {
    s.scan_lease = duration_setting("scan-lease", *v);
    if (s.scan_lease < std::chrono::seconds(3) || s.scan_lease > std::chrono::hours(1)) {
      bad_setting("scan-lease", *v, "is out of range 3s-1h");
    }
  }
  if (auto v = single(raw, "bad-after")) s.bad_after = parse_int("bad-after", *v, 1, 1000);
  if (const auto values = list(raw, "expiry-thresholds"); !values.empty()) {
    s.expiry_thresholds.clear();
    for (const auto& v : values) {
      std::string_view rest = v;  // "30,14" in one value too
      while (!rest.empty()) {
        const auto comma = rest.find(',');
        s.expiry_thresholds.push_back(parse_int("expiry-thresholds", std::string(rest.substr(0, comma)), 0, 3650));
        if (comma == std::string_view::npos) break;
        rest.remove_prefix(comma + 1);
      }
    }
    std::sort(s.expiry_thresholds.begin(), s.expiry_thresholds.end(), std::greater<>());
    s.expiry_thresholds.erase(std::unique(s.expiry_thresholds.begin(), s.expiry_thresholds.end()),
                              s.expiry_thresholds.end());
  }
  if (const auto values = list(raw, "checks"); !values.empty()) {
    static const std::vector<std::string> kChecks{"dns", "email", "tls", "http", "rdap", "reputation"};
    std::vector<std::string> chosen;
    for (const auto& v : values) {
      for (const auto item : comma_items(v)) {  // "tls,http" in one value too
        const auto name = to_lower(item);
        if (name == "all") {
          chosen = kChecks;
        } else if (std::find(kChecks.begin(), kChecks.end(), name) == kChecks.end()) {
          bad_setting("checks", v, "names a check that does not exist (dns, email, tls, http, rdap, reputation, all)");
        } else {
          chosen.push_back(name);
        }
      }
    }
    // In the engine's order, each once.
    s.checks.clear();
    for (const auto& c : kChecks) {
      if (std::find(chosen.begin(), chosen.end(), c) != chosen.end()) s.checks.push_back(c);
    }
  }
  if (auto v = single(raw, "webhook-timeout")) {
    s.webhook_timeout = duration_setting("webhook-timeout", *v);
    if (s.webhook_timeout < std::chrono::milliseconds(100) || s.webhook_timeout > std::chrono::minutes(5)) {
      bad_setting("webhook-timeout", *v, "is out of range 100ms-5m");
    }
  }
  if (auto v = single(raw, "webhook-concurrency")) {
    s.webhook_concurrency = parse_int("webhook-concurrency", *v, 1, 1000);
  }
  for (const auto& [key, field] :
       {std::pair{"header-timeout", &s.header_timeout}, std::pair{"keepalive-timeout", &s.keepalive_timeout}}) {
    if (auto v = single(raw, key)) {
      *field = duration_setting(key, *v);
      if (*field < std::chrono::seconds(1) || *field > std::chrono::hours(1)) bad_setting(key, *v, "is out of range 1s-1h");
    }
  }
  // "RATE/s" or "RATE/s:BURST" (the burst defaults to twice the rate); "off": no limit.
  for (const auto& [key, rate, burst] : {std::tuple{"rate-limit", &s.rate_limit, &s.rate_burst},
                                         std::tuple{"scan-rate-limit", &s.scan_rate_limit, &s.scan_rate_burst}}) {
    const auto v = single(raw, key);
    if (!v) continue;
    if (*v == "off") {
      *rate = 0;
      continue;
    }
    const auto slash = v->find("/s");
    const auto colon = v->find(':');
    if (slash == std::string::npos || (colon != std::string::npos && colon != slash + 2) ||
        (colon == std::string::npos && slash + 2 != v->size())) {
      bad_setting(key, *v, "must be RATE/s or RATE/s:BURST (e.g. 50/s:100), or off");
    }
    *rate = parse_int(key, v->substr(0, slash), 1, 1000000);
    *burst = colon == std::string::npos ? *rate * 2 : parse_int(key, v->substr(colon + 1), 1, 10000000);
  }
  if (auto v = single(raw, "rescan-cooldown")) s.rescan_cooldown = duration_setting("rescan-cooldown", *v);
  if (auto v = single(raw, "bulk-max")) s.bulk_max = parse_int("bulk-max", *v, 1, 1'000'000);
  if (auto v = single(raw, "max-connections-per-client")) {
    s.max_connections_per_client = parse_int("max-connections-per-client", *v, 1, 100000);
  }
  for (const auto& v : list(raw, "public-url")) s.public_urls.push_back(parse_http_url("public-url", v));
  if (auto v = single(raw, "seed-compat")) s.seed_compat = parse_switch("seed-compat", *v);
  if (auto v = single(raw, "keep-scans")) parse_keep_scans(*v, s);
  for (const auto& [key, field] : {std::pair{"auth", &s.auth}, std::pair{"metrics-auth", &s.metrics_auth}}) {
    if (auto v = single(raw, key)) {
      if (*v != "auto" && *v != "required" && *v != "off") bad_setting(key, *v, "must be auto, required or off");
      *field = *v;
    }
  }
  if (auto v = single(raw, "log-level")) s.log_level = *v;
  if (auto v = single(raw, "log-format")) {
    if (*v != "text" && *v != "json") bad_setting("log-format", *v, "must be text or json");
    s.log_format = *v;
  }
  return s;
}

}  // namespace domainscan
