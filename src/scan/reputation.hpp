#pragma once
// The reputation check: VirusTotal API v3 `GET /api/v3/domains/{domain}` with the x-apikey
// header, when --virustotal-key is set (`skipped` otherwise). Reports the last analysis'
// stats, the community reputation and the categories.
//
// The public API allows 4 calls a minute and 500 a day, for every worker together: each
// call first reserves a slot in the ledger's budget (the database, for workers), answers
// are kept per domain for --virustotal-cache, and when the day's budget is spent the check
// reports `skipped` with reason `quota` instead of failing. HTTP 429 from the service makes
// every worker pause (reason `rate_limit` meanwhile).
#include "core/api_budget.hpp"
#include "scan/check.hpp"
#include "scan/virustotal_summary.hpp"
#include "scan/reputation_ledger.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ssl/context.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>

namespace domainscan::scan {

struct ReputationOptions {
  std::optional<std::string> api_key;  // none: the check is skipped
  std::string base_url = "https://www.virustotal.com";
  int per_minute = 4;
  int per_day = 500;
  std::chrono::milliseconds cache_for = std::chrono::hours(24);  // 0: answers are not kept
  std::optional<std::string> ca_file;  // extra trust anchors for the API's certificate
};

class ReputationCheck final : public Check {
 public:
  static constexpr const char* kApi = "virustotal";  // the budget's and the cache's name
  static constexpr std::size_t kMaxBody = 1024 * 1024;
  // How long every worker pauses after HTTP 429 when the answer names no Retry-After.
  static constexpr std::chrono::seconds kDefaultBackoff{60};

  ReputationCheck(boost::asio::any_io_executor executor, ReputationOptions options, ReputationLedger& ledger);
  const char* name() const override { return "reputation"; }
  // VirusTotal's opinion says nothing about whether the domain itself answers.
  bool probes_the_domain() const override { return false; }
  boost::asio::awaitable<CheckResult> run(const ScanContext& context) override;

 private:
  boost::asio::awaitable<CheckResult> lookup(const ScanContext& context);
  boost::asio::awaitable<CheckResult> fetch(const ScanContext& context, TimePoint now);

  boost::asio::any_io_executor executor_;
  ReputationOptions options_;
  ReputationLedger& ledger_;
  // The API key goes only to a server whose certificate verifies (system store + ca_file).
  std::shared_ptr<boost::asio::ssl::context> verify_;
};

// The findings a summary means (docs/grading.md).
void add_reputation_findings(const boost::json::object& summary, CheckResult& result);

}  // namespace domainscan::scan
