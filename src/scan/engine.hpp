#pragma once
// Runs the checks for one domain and assembles the result of ARCHITECTURE.md:
// {"checks": {...}, "findings": [...]}. The DNS check runs first (the others need its
// addresses and records); the other checks then run concurrently, each bounded by a
// deadline, and one check's failure or exception never stops the others.
// --checks may choose some of them: the others are reported skipped, the DNS check (unless
// chosen, or needed by the e-mail check) shrinks to the address lookups the others need, and
// the scan gets no grade (a grade weighs every check).
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

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace domainscan::scan {

class TlsCheck;

struct ScanReport {
  boost::json::object checks;
  boost::json::array findings;
  std::optional<std::string> grade;
  std::optional<int> score;
  std::optional<std::string> grade_reason;  // why there is no grade (docs/grading.md)
  bool nxdomain = false;                 // the domain does not exist
  bool dns_unanswered = false;           // the domain's DNS gave no answer (SERVFAIL, timeout, ...)
  bool every_check_unreachable = false;  // every check of the domain's own servers failed to reach them
  bool not_registered = false;           // the registry's RDAP server does not know the domain
  // The worker's own resolver refused the lookups (REFUSED), or does not answer at all:
  // the scan says nothing about the domain, for better or worse.
  bool resolver_refused = false;
  bool resolver_unreachable = false;
  // A check could not run for want of the scanner's own resources (out of descriptors...).
  bool scanner_failure = false;
  std::string result_json() const;       // {"checks": ..., "findings": ...}
};

class ScanEngine {
 public:
  // ledger: where the reputation check's budget and cache live (a worker's database);
  // null: in this process's memory.
  ScanEngine(boost::asio::any_io_executor executor, const Settings& settings, ReputationLedger* ledger = nullptr);
  // Runs on a strand of its own, whatever the caller's executor (why: ScanEngine::scan).
  boost::asio::awaitable<ScanReport> scan(const std::string& domain);

 private:
  using Strand = boost::asio::strand<boost::asio::any_io_executor>;
  boost::asio::awaitable<ScanReport> scan_on_strand(Strand strand, std::string domain);
  // Which checks run (all of them, or for a domain that does not exist only the registry's).
  using CheckFilter = std::function<bool(const Check&)>;
  // One result per check, nullopt for those the filter left out; called on the scan's strand.
  boost::asio::awaitable<std::vector<std::optional<CheckResult>>> run_checks(Strand strand,
                                                                             const ScanContext& context,
                                                                             CheckFilter runs);

  bool selected(const std::string& check) const;

  boost::asio::any_io_executor executor_;
  std::vector<std::string> selected_;  // --checks
  UnboundResolver resolver_;
  TargetPolicy policy_;
  std::chrono::milliseconds check_timeout_;
  std::unique_ptr<ReputationLedger> own_ledger_;
  std::vector<std::unique_ptr<Check>> checks_;
  TlsCheck* tls_ = nullptr;  // one of checks_: the context of a scan's shared TLS connection
};

}  // namespace domainscan::scan
