#include "api/metrics.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <string_view>

namespace domainscan::api {

namespace {

std::string escape_label(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

}  // namespace

std::string method_label(std::string_view method) {
  // The methods HTTP defines (RFC 9110) and PATCH; anything else a client makes up is one
  // label, or a client sending random tokens would grow the counters and /metrics for ever.
  static constexpr std::array<std::string_view, 9> kKnown = {"GET",     "HEAD",  "POST",  "PUT", "DELETE",
                                                             "CONNECT", "OPTIONS", "TRACE", "PATCH"};
  if (method == "-") return "-";
  return std::find(kKnown.begin(), kKnown.end(), method) != kKnown.end() ? std::string(method) : "other";
}

void Metrics::count_request(const std::string& route, const std::string& method, int status,
                            std::chrono::steady_clock::duration took) {
  // Routes are the router's patterns and statuses three digits: with methods bounded too,
  // so is the number of counters.
  if (status < 100 || status > 599) status = 0;
  auto key = std::make_tuple(route, method_label(method), status);
  std::lock_guard lock(mutex_);
  ++requests_[std::move(key)];
  durations_[route].observe(took);
}

std::string Metrics::render_requests() const {
  std::string out =
      "# HELP domainscan_http_requests_total HTTP requests answered, by route, method and status.\n"
      "# TYPE domainscan_http_requests_total counter\n";
  std::lock_guard lock(mutex_);
  for (const auto& [key, count] : requests_) {
    const auto& [route, method, status] = key;
    out += prometheus_line("domainscan_http_requests_total",
                           {{"route", route}, {"method", method}, {"status", std::to_string(status)}},
                           static_cast<double>(count));
  }
  bool first = true;
  for (const auto& [route, histogram] : durations_) {
    out += render_histogram("domainscan_http_request_duration_seconds",
                            first ? "Time from a request's header read to its answer made, by route." : "",
                            {{"route", route}}, histogram);
    first = false;
  }
  return out;
}

std::string render_histogram(const std::string& name, const std::string& help,
                             const std::map<std::string, std::string>& labels, const DurationHistogram& h) {
  std::string out;
  if (!help.empty()) out += fmt::format("# HELP {} {}\n# TYPE {} histogram\n", name, help, name);
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i <= DurationHistogram::kBounds.size(); ++i) {
    cumulative += h.bucket(i);
    auto with_le = labels;
    with_le["le"] = i < DurationHistogram::kBounds.size() ? fmt::format("{}", DurationHistogram::kBounds[i]) : "+Inf";
    out += prometheus_line(name + "_bucket", with_le, static_cast<double>(cumulative));
  }
  out += prometheus_line(name + "_sum", labels, h.sum_seconds());
  out += prometheus_line(name + "_count", labels, static_cast<double>(cumulative));
  return out;
}

std::string prometheus_line(const std::string& name, const std::map<std::string, std::string>& labels, double value) {
  std::string out = name;
  if (!labels.empty()) {
    out += '{';
    bool first = true;
    for (const auto& [k, v] : labels) {
      if (!first) out += ',';
      first = false;
      out += fmt::format("{}=\"{}\"", k, escape_label(v));
    }
    out += '}';
  }
  out += fmt::format(" {}\n", value);
  return out;
}

}  // namespace domainscan::api
