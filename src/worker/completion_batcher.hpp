#pragma once
// Stores scan results in batches (Store::complete_scans): while one batch is being written,
// in one transaction, the completions that arrive meanwhile wait and go together in the
// next. Nothing is delayed to make a batch: a lone completion is written at once, and under
// load the batches grow by themselves. Each caller gets its own answer, as from
// Store::complete_scan. A batch that fails for another reason than the database being
// unavailable is written again one completion at a time, so that a result the database
// refuses fails alone and the others are stored.
#include "core/blocking_pool.hpp"
#include "store/store.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <deque>
#include <exception>
#include <memory>
#include <optional>

namespace domainscan::worker {

class CompletionBatcher {
 public:
  CompletionBatcher(boost::asio::any_io_executor executor, store::Store& store, BlockingPool& db,
                    std::size_t max_batch = 256);

  // What Store::complete_scan answers for this completion; throws what it would throw.
  boost::asio::awaitable<bool> complete(store::ScanCompletion completion);

  // Batches written, and completions in them (for /metrics and tests).
  std::size_t batches() const { return batches_; }
  std::size_t written() const { return written_; }

 private:
  struct Pending {
    Pending(store::ScanCompletion c, const boost::asio::strand<boost::asio::any_io_executor>& strand)
        : completion(std::move(c)), done(strand, boost::asio::steady_timer::time_point::max()) {}
    store::ScanCompletion completion;
    bool stored = false;
    std::exception_ptr error;
    boost::asio::steady_timer done;  // cancelled once settled
  };

  boost::asio::awaitable<void> enqueue_and_wait(std::shared_ptr<Pending> pending);
  boost::asio::awaitable<void> flush();

  boost::asio::strand<boost::asio::any_io_executor> strand_;  // the queue and the flag live on it
  store::Store& store_;
  BlockingPool& db_;
  std::size_t max_batch_;
  std::deque<std::shared_ptr<Pending>> queue_;
  bool flushing_ = false;
  std::size_t batches_ = 0;
  std::size_t written_ = 0;
};

}  // namespace domainscan::worker
