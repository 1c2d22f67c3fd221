#pragma once
// Claims scans in batches (Store::claim_scans, in one transaction), as core/batched_calls.hpp
// runs them: the requests that arrive while one batch is being claimed go together in the
// next, so that under load a claim costs a share of one transaction instead of one each.
#include "core/batched_calls.hpp"
#include "store/store.hpp"

namespace domainscan::worker {

class ClaimBatcher : public BatchedCalls<std::int64_t, store::Store::ClaimAnswer> {
 public:
  ClaimBatcher(boost::asio::any_io_executor executor, store::Store& store, BlockingPool& db,
               store::Store::ClaimLease lease, std::size_t max_batch = 256)
      : BatchedCalls(
            std::move(executor), db,
            [&store, lease](const auto& ids) { return store.claim_scans(ids, lease); },
            [&store, lease](std::int64_t id) { return std::move(store.claim_scans({id}, lease).at(0)); }, max_batch) {}

  boost::asio::awaitable<store::Store::ClaimAnswer> claim(std::int64_t scan_id) { return call(scan_id); }
};

}  // namespace domainscan::worker
