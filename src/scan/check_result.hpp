#pragma once
// What one check reports: its JSON section of the result ("status" ok / error / skipped)
// and what it means for bad-domain detection.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <string>

namespace domainscan::scan {

struct CheckResult {
  boost::json::object json;
  // What the check saw that matters: {"id", "check", "severity", "message"} each
  // (docs/grading.md turns them into the score).
  boost::json::array findings;
  bool nxdomain = false;         // the domain does not exist
  bool network_failure = false;  // the check could not reach what it checks (timeout, SERVFAIL, refused)
  // The scanner itself ran out of something (descriptors, memory, local ports): the check
  // says nothing about the domain (scan/scanner_failure.hpp).
  bool scanner_failure = false;

  void add_finding(const char* check, std::string id, const char* severity, std::string message) {
    findings.push_back(boost::json::object{
        {"id", std::move(id)}, {"check", check}, {"severity", severity}, {"message", std::move(message)}});
  }
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
