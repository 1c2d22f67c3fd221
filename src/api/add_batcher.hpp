#pragma once
// The adds of single POSTs (POST /api/v1/domains, the seed routes), stored in batches
// (Store::add_domain_each: one transaction, one commit for all), as core/batched_calls.hpp
// runs them: the adds that arrive while one batch is being stored go together in the next,
// and one the database refuses fails alone. Each caller gets what Store::add_domain would
// answer. With many clients at once, a commit (and its flush to disk) was most of a POST's
// cost in the database.
#include "core/batched_calls.hpp"
#include "store/store.hpp"

namespace domainscan::api {

class AddBatcher : public BatchedCalls<store::AddDomainRequest, store::AddDomainResult> {
 public:
  AddBatcher(boost::asio::any_io_executor executor, store::Store& store, BlockingPool& db, std::size_t max_batch = 256)
      : BatchedCalls(
            std::move(executor), db, [&store](const auto& requests) { return store.add_domain_each(requests); },
            [&store](const auto& r) { return store.add_domain(r.name, r.schedule, r.trigger); }, max_batch) {}

  boost::asio::awaitable<store::AddDomainResult> add(store::AddDomainRequest request) {
    return call(std::move(request));
  }
};

}  // namespace domainscan::api
