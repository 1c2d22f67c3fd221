#pragma once
// Publishes the scan requests of callers that each have one (the API's single POSTs and
// rescans) in batches, as core/batched_calls.hpp runs them: the requests that arrive while
// one batch waits for the broker's confirms go together in the next, one publish_many and
// one database call to record the confirms for all (publish_each). Each caller learns
// whether its request was published; one that was not waits for the sweeper, as before.
#include "core/batched_calls.hpp"
#include "outbox/outbox.hpp"

namespace domainscan::outbox {

class ScanPublisher : public BatchedCalls<store::ScanRef, bool> {
 public:
  // confirms: where the confirms go to be recorded (none: each batch records its own).
  ScanPublisher(boost::asio::any_io_executor executor, store::Store& store, BlockingPool& db, bus::Bus& bus,
                ConfirmRecorder* confirms = nullptr, std::size_t max_batch = 256)
      : BatchedCalls(
            std::move(executor),
            [&store, &db, &bus, confirms](const std::vector<store::ScanRef>& scans) {
              return publish_each(store, db, bus, scans, confirms);
            },
            [&store, &db, &bus, confirms](const store::ScanRef& scan) {
              return publish_scan(store, db, bus, scan, confirms);
            },
            max_batch) {}

  boost::asio::awaitable<bool> publish(store::ScanRef scan) { return call(std::move(scan)); }
};

}  // namespace domainscan::outbox
