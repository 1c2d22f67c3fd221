#pragma once
// Runs the checks for one domain and assembles the result of ARCHITECTURE.md:
// {"checks": {...}, "findings": [...]}. Checks run concurrently; one check's failure never
// stops the others. (This engine runs the DNS check; the others come next.)
#include "core/settings.hpp"
#include "scan/unbound_resolver.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <optional>
#include <string>

namespace domainscan::scan {

struct ScanReport {
  boost::json::object checks;
  boost::json::array findings;
  std::optional<std::string> grade;
  std::optional<int> score;
  bool nxdomain = false;              // the domain does not exist
  bool every_check_unreachable = false;  // every network check failed to reach its target
  std::string result_json() const;    // {"checks": ..., "findings": ...}
};

class ScanEngine {
 public:
  ScanEngine(boost::asio::any_io_executor executor, const Settings& settings);
  boost::asio::awaitable<ScanReport> scan(const std::string& domain);

 private:
  UnboundResolver resolver_;
  std::chrono::milliseconds check_timeout_;
};

}  // namespace domainscan::scan
