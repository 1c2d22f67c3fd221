#pragma once
// The outbox of scan requests. A scan row is committed first and its scan.requested
// published after; the broker's confirm is recorded on the row (published_at). If the
// publish fails (the broker is down), the API still answers 202: the sweeper finds queued
// scans with no confirm recorded and publishes them once the bus is back. A request may so
// be published twice; the worker's claim makes the second one a no-op.
#include "bus/bus.hpp"
#include "core/blocking_pool.hpp"
#include "outbox/confirm_recorder.hpp"
#include "store/store.hpp"

#include <boost/asio/steady_timer.hpp>

namespace domainscan::outbox {

// Publishes one scan request and records the confirm. False (logged) if publishing failed.
boost::asio::awaitable<bool> publish_scan(store::Store& store, BlockingPool& db, bus::Bus& bus,
                                          const store::ScanRef& scan, ConfirmRecorder* confirms = nullptr);

// Publishes many at once (Bus::publish_many) and records the confirms in one database call,
// or hands them to `confirms` (ConfirmRecorder) to record a moment later with others; those
// the bus did not take wait for the sweeper. Returns how many were published.
boost::asio::awaitable<std::size_t> publish_scans(store::Store& store, BlockingPool& db, bus::Bus& bus,
                                                  const std::vector<store::ScanRef>& scans,
                                                  ConfirmRecorder* confirms = nullptr);
// The same, answering for each scan whether it was published.
boost::asio::awaitable<std::vector<bool>> publish_each(store::Store& store, BlockingPool& db, bus::Bus& bus,
                                                       const std::vector<store::ScanRef>& scans,
                                                       ConfirmRecorder* confirms = nullptr);

class OutboxSweeper {
 public:
  // How often the sweeper looks, and how old an unconfirmed row must be before it is taken
  // (younger ones are most likely being published by the request that made them).
  static constexpr std::chrono::seconds kInterval{2};
  static constexpr std::chrono::seconds kMinAge{5};
  static constexpr std::size_t kBatch = 500;

  OutboxSweeper(boost::asio::any_io_executor executor, store::Store& store, BlockingPool& db, bus::Bus& bus);
  void start();
  void stop();

 private:
  boost::asio::awaitable<void> loop();

  boost::asio::steady_timer timer_;
  store::Store& store_;
  BlockingPool& db_;
  bus::Bus& bus_;
  bool stopping_ = false;
};

}  // namespace domainscan::outbox
