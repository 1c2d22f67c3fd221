#pragma once
// Records the broker's confirms on the scans' rows (Store::mark_published) off the request's
// path, every publish of the last moment in one database call. The record is a hint for the
// sweeper (store.hpp), and only for scans still queued: half a second later most scans of a
// single POST have been claimed and need none, and one transaction replaces one a publish
// batch (the single-POST path's fourth transaction). A record lost (a crash inside that half
// second) costs a second publish of the scan, which the worker's claim makes a no-op; the
// sweeper takes a scan only once it is OutboxSweeper::kMinAge old, well after the record.
#include "core/blocking_pool.hpp"
#include "store/store.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <vector>

namespace domainscan::outbox {

class ConfirmRecorder {
 public:
  static constexpr std::chrono::milliseconds kDelay{500};
  // Records waiting beyond this are written at once (a bulk import publishes thousands a
  // second): the bound of what waits in memory.
  static constexpr std::size_t kMaxWaiting = 50'000;

  ConfirmRecorder(boost::asio::any_io_executor executor, store::Store& store, BlockingPool& db);

  // Takes the ids of scans whose requests the broker confirmed; returns at once (any thread).
  void record(std::vector<std::int64_t> scan_ids);
  // Writes what waits now (at shutdown, after the last publish).
  boost::asio::awaitable<void> flush();

  std::uint64_t writes() const { return writes_; }  // database calls made (tests)

 private:
  boost::asio::awaitable<void> write_after_delay();
  boost::asio::awaitable<void> write_waiting();

  boost::asio::strand<boost::asio::any_io_executor> strand_;
  boost::asio::steady_timer timer_;
  store::Store& store_;
  BlockingPool& db_;
  std::vector<std::int64_t> waiting_;  // on the strand
  bool scheduled_ = false;             // a write_after_delay is under way
  std::atomic<std::uint64_t> writes_{0};
};

}  // namespace domainscan::outbox
