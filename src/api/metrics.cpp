#include "api/metrics.hpp"

#include <fmt/format.h>

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

void Metrics::count_request(const std::string& route, const std::string& method, int status) {
  std::lock_guard lock(mutex_);
  ++requests_[{route, method, status}];
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
