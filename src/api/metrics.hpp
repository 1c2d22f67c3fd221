#pragma once
// Counters exposed at /metrics in the Prometheus text format.
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>

namespace domainscan::api {

class Metrics {
 public:
  void count_request(const std::string& route, const std::string& method, int status);
  // The http_requests_total family, in exposition format.
  std::string render_requests() const;

 private:
  mutable std::mutex mutex_;
  std::map<std::tuple<std::string, std::string, int>, long> requests_;
};

// The method as a label: itself if HTTP defines it, else "other".
std::string method_label(std::string_view method);

// One sample line: name{label="value",...} value
std::string prometheus_line(const std::string& name, const std::map<std::string, std::string>& labels, double value);

}  // namespace domainscan::api
