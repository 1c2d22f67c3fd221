#pragma once
// Where the reputation check keeps what every worker must share: the reputation API's call
// budget and the answers it gave, per domain. A worker keeps them in the database
// (worker/store_reputation_ledger.hpp), so that two workers cannot overspend the budget or
// ask twice for one domain; a one-shot `domainscan scan` keeps them in memory
// (scan/memory_reputation_ledger.hpp).
#include "core/api_budget.hpp"

#include <boost/asio/awaitable.hpp>

#include <optional>
#include <string>

namespace domainscan::scan {

class ReputationLedger {
 public:
  virtual ~ReputationLedger() = default;
  // (Coroutines: arguments are taken by value, so nothing they hold can dangle.)
  virtual boost::asio::awaitable<ApiCallDecision> reserve_call(TimePoint now, ApiBudgetPolicy policy) = 0;
  virtual boost::asio::awaitable<void> back_off(TimePoint until) = 0;
  virtual boost::asio::awaitable<std::optional<ApiAnswer>> cached_answer(std::string domain, TimePoint fresh_after) = 0;
  // Keeps the answer; answers older than drop_before may be forgotten.
  virtual boost::asio::awaitable<void> remember_answer(std::string domain, ApiAnswer answer, TimePoint drop_before) = 0;
};

}  // namespace domainscan::scan
