#include "scan/memory_reputation_ledger.hpp"

#include <algorithm>

namespace domainscan::scan {

namespace asio = boost::asio;

asio::awaitable<ApiCallDecision> MemoryReputationLedger::reserve_call(TimePoint now, ApiBudgetPolicy policy) {
  std::lock_guard lock(mutex_);
  co_return decide_api_call(budget_, now, policy);
}

asio::awaitable<void> MemoryReputationLedger::back_off(TimePoint until) {
  std::lock_guard lock(mutex_);
  budget_.backoff_until = std::max(budget_.backoff_until, until);
  co_return;
}

asio::awaitable<std::optional<ApiAnswer>> MemoryReputationLedger::cached_answer(std::string domain,
                                                                               TimePoint fresh_after) {
  std::lock_guard lock(mutex_);
  const auto it = answers_.find(domain);
  if (it == answers_.end() || it->second.fetched_at < fresh_after) co_return std::nullopt;
  co_return it->second;
}

asio::awaitable<void> MemoryReputationLedger::remember_answer(std::string domain, ApiAnswer answer,
                                                              TimePoint drop_before) {
  std::lock_guard lock(mutex_);
  std::erase_if(answers_, [&](const auto& entry) { return entry.second.fetched_at < drop_before; });
  if (answers_.size() >= kMaxAnswers && !answers_.contains(domain)) co_return;  // bounded: new answers wait
  answers_[std::move(domain)] = std::move(answer);
}

}  // namespace domainscan::scan
