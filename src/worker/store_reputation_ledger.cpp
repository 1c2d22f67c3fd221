#include "worker/store_reputation_ledger.hpp"

namespace domainscan::worker {

namespace asio = boost::asio;

StoreReputationLedger::StoreReputationLedger(store::Store& store, BlockingPool& db, std::string api)
    : store_(store), db_(db), api_(std::move(api)) {}

asio::awaitable<ApiCallDecision> StoreReputationLedger::reserve_call(TimePoint now, ApiBudgetPolicy policy) {
  co_return co_await db_.run([&] { return store_.reserve_api_call(api_, now, policy); });
}

asio::awaitable<void> StoreReputationLedger::back_off(TimePoint until) {
  co_await db_.run([&] { store_.back_off_api(api_, until); });
}

asio::awaitable<std::optional<ApiAnswer>> StoreReputationLedger::cached_answer(std::string domain,
                                                                              TimePoint fresh_after) {
  co_return co_await db_.run([&] { return store_.find_api_answer(api_, domain, fresh_after); });
}

asio::awaitable<void> StoreReputationLedger::remember_answer(std::string domain, ApiAnswer answer,
                                                             TimePoint drop_before) {
  co_await db_.run([&] { store_.store_api_answer(api_, domain, answer, drop_before); });
}

}  // namespace domainscan::worker
