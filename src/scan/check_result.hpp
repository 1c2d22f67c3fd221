#pragma once
// What one check reports: its JSON section of the result ("status" ok / error / skipped)
// and what it means for bad-domain detection.
#include <boost/json/object.hpp>

#include <string>

namespace domainscan::scan {

struct CheckResult {
  boost::json::object json;
  bool nxdomain = false;         // the domain does not exist
  bool network_failure = false;  // the check could not reach what it checks (timeout, SERVFAIL, refused)
};

inline CheckResult check_error(std::string message, bool network_failure) {
  CheckResult r;
  r.json = {{"status", "error"}, {"error", std::move(message)}};
  r.network_failure = network_failure;
  return r;
}

inline CheckResult check_skipped(std::string reason) {
  CheckResult r;
  r.json = {{"status", "skipped"}, {"reason", std::move(reason)}};
  return r;
}

}  // namespace domainscan::scan
