#pragma once
// The reputation ledger of a worker: the VirusTotal budget and answers in the database, so
// that every worker on it shares one budget and one cache. Calls run on the database pool.
#include "core/blocking_pool.hpp"
#include "scan/reputation_ledger.hpp"
#include "store/store.hpp"

#include <string>

namespace domainscan::worker {

class StoreReputationLedger final : public scan::ReputationLedger {
 public:
  StoreReputationLedger(store::Store& store, BlockingPool& db, std::string api);

  boost::asio::awaitable<ApiCallDecision> reserve_call(TimePoint now, ApiBudgetPolicy policy) override;
  boost::asio::awaitable<void> back_off(TimePoint until) override;
  boost::asio::awaitable<std::optional<ApiAnswer>> cached_answer(std::string domain, TimePoint fresh_after) override;
  boost::asio::awaitable<void> remember_answer(std::string domain, ApiAnswer answer, TimePoint drop_before) override;

 private:
  store::Store& store_;
  BlockingPool& db_;
  std::string api_;
};

}  // namespace domainscan::worker
