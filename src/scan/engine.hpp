#pragma once
// Runs the checks for one domain and assembles the result of ARCHITECTURE.md:
// {"checks": {...}, "findings": [...]}. The DNS check runs first (the others need its
// addresses and records); the other checks then run concurrently, each bounded by a
// deadline, and one check's failure or exception never stops the others.
#include "core/settings.hpp"
#include "scan/check.hpp"
#include "scan/reputation_ledger.hpp"
#include "scan/target_policy.hpp"
#include "scan/unbound_resolver.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/strand.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

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
  // ledger: where the reputation check's budget and cache live (a worker's database);
  // null: in this process's memory.
  ScanEngine(boost::asio::any_io_executor executor, const Settings& settings, ReputationLedger* ledger = nullptr);
  boost::asio::awaitable<ScanReport> scan(const std::string& domain);

 private:
  boost::asio::awaitable<std::vector<CheckResult>> run_checks(const ScanContext& context);
  boost::asio::awaitable<std::vector<CheckResult>> collect_checks(
      boost::asio::strand<boost::asio::any_io_executor> strand, const ScanContext& context);

  boost::asio::any_io_executor executor_;
  UnboundResolver resolver_;
  TargetPolicy policy_;
  std::chrono::milliseconds check_timeout_;
  std::unique_ptr<ReputationLedger> own_ledger_;
  std::vector<std::unique_ptr<Check>> checks_;
};

}  // namespace domainscan::scan
