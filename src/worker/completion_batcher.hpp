#pragma once
// Stores scan results in batches (Store::complete_scans, in one transaction), as
// core/batched_calls.hpp runs them: the completions that arrive while one batch is being
// written go together in the next, and a result the database refuses fails alone. Each
// caller gets what Store::complete_scan would answer.
#include "core/batched_calls.hpp"
#include "store/store.hpp"

namespace domainscan::worker {

class CompletionBatcher : public BatchedCalls<store::ScanCompletion, bool> {
 public:
  CompletionBatcher(boost::asio::any_io_executor executor, store::Store& store, BlockingPool& db,
                    std::size_t max_batch = 256)
      : BatchedCalls(
            std::move(executor), db, [&store](const auto& completions) { return store.complete_scans(completions); },
            [&store](const auto& completion) { return store.complete_scan(completion); }, max_batch) {}

  boost::asio::awaitable<bool> complete(store::ScanCompletion completion) { return call(std::move(completion)); }
};

}  // namespace domainscan::worker
