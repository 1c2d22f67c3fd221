#pragma once
// Publishes the scan requests of the API's single POSTs and rescans after the request is
// answered. What the answer (202) promises is kept by the outbox, not by the broker: the
// scan is stored, queued, before the answer, and a scan whose request the broker did not
// confirm is published by the sweeper (OutboxSweeper::kMinAge later). Waiting for the
// broker's confirm (a quorum queue writes to its log first) nearly doubled a single POST's
// time, for nothing the client could use.
// Bounded: while max_in_flight publishes are under way (a slow or absent broker), the next
// caller waits for its own, as every caller did before, so that a broker that falls behind
// slows the API down instead of filling its memory.
#include "outbox/scan_publisher.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>

namespace domainscan::outbox {

class BackgroundPublisher {
 public:
  static constexpr std::size_t kDefaultMaxInFlight = 1024;

  BackgroundPublisher(boost::asio::any_io_executor executor, ScanPublisher& publisher,
                      std::size_t max_in_flight = kDefaultMaxInFlight);

  // Starts the scan's publish and returns at once; or, with max_in_flight under way, returns
  // once its own is done. Never throws for the bus: a failure is logged (the sweeper's turn).
  boost::asio::awaitable<void> hand_off(store::ScanRef scan);
  // Waits until no publish is under way, or the deadline passes (false). At shutdown: before
  // the confirms are flushed and the bus stops.
  boost::asio::awaitable<bool> drain(std::chrono::steady_clock::time_point deadline);

  std::size_t in_flight() const { return in_flight_; }
  std::uint64_t waited() const { return waited_; }  // callers that found the bound reached

 private:
  boost::asio::awaitable<void> publish(store::ScanRef scan);

  boost::asio::any_io_executor executor_;
  ScanPublisher& publisher_;
  std::size_t max_in_flight_;
  std::atomic<std::size_t> in_flight_{0};
  std::atomic<std::uint64_t> waited_{0};
};

}  // namespace domainscan::outbox
