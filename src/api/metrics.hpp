#pragma once
// Counters exposed at /metrics in the Prometheus text format.
#include "core/histogram.hpp"

#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>

namespace domainscan::api {

class Metrics {
 public:
  // A request answered, and how long it took from its header read to its answer made.
  void count_request(const std::string& route, const std::string& method, int status,
                     std::chrono::steady_clock::duration took = {});
  // The http_requests_total and http_request_duration_seconds families, in exposition format.
  std::string render_requests() const;

 private:
  mutable std::mutex mutex_;
  std::map<std::tuple<std::string, std::string, int>, long> requests_;
  std::map<std::string, DurationHistogram> durations_;  // by route (the router's patterns: bounded)
};

// A histogram family member: NAME_bucket{le=...} (cumulative), NAME_sum and NAME_count,
// with `labels` on each; `help` and the TYPE line first when given.
std::string render_histogram(const std::string& name, const std::string& help,
                             const std::map<std::string, std::string>& labels, const DurationHistogram& h);

// The method as a label: itself if HTTP defines it, else "other".
std::string method_label(std::string_view method);

// One sample line: name{label="value",...} value
std::string prometheus_line(const std::string& name, const std::map<std::string, std::string>& labels, double value);

}  // namespace domainscan::api
