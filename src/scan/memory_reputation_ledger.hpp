#pragma once
// The reputation ledger of a process with no database (`domainscan scan`): the same budget
// rule as the database keeps, in memory, and a bounded answer cache.
#include "scan/reputation_ledger.hpp"

#include <map>
#include <mutex>

namespace domainscan::scan {

class MemoryReputationLedger final : public ReputationLedger {
 public:
  static constexpr std::size_t kMaxAnswers = 10'000;

  boost::asio::awaitable<ApiCallDecision> reserve_call(TimePoint now, ApiBudgetPolicy policy) override;
  boost::asio::awaitable<void> back_off(TimePoint until) override;
  boost::asio::awaitable<std::optional<ApiAnswer>> cached_answer(std::string domain, TimePoint fresh_after) override;
  boost::asio::awaitable<void> remember_answer(std::string domain, ApiAnswer answer, TimePoint drop_before) override;

 private:
  std::mutex mutex_;  // scans run on several threads
  ApiBudgetState budget_;
  std::map<std::string, ApiAnswer> answers_;
};

}  // namespace domainscan::scan
