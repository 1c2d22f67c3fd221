#include "worker/completion_batcher.hpp"

#include "core/errors.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

namespace domainscan::worker {

namespace asio = boost::asio;

CompletionBatcher::CompletionBatcher(asio::any_io_executor executor, store::Store& store, BlockingPool& db,
                                     std::size_t max_batch)
    : strand_(asio::make_strand(executor)), store_(store), db_(db), max_batch_(std::max<std::size_t>(1, max_batch)) {}

asio::awaitable<bool> CompletionBatcher::complete(store::ScanCompletion completion) {
  auto pending = std::make_shared<Pending>(std::move(completion), strand_);
  co_await asio::co_spawn(strand_, enqueue_and_wait(pending), asio::use_awaitable);
  if (pending->error) std::rethrow_exception(pending->error);
  co_return pending->stored;
}

asio::awaitable<void> CompletionBatcher::enqueue_and_wait(std::shared_ptr<Pending> pending) {
  queue_.push_back(pending);
  if (!flushing_) {
    flushing_ = true;
    asio::co_spawn(strand_, flush(), asio::detached);
  }
  boost::system::error_code ec;
  co_await pending->done.async_wait(asio::redirect_error(asio::use_awaitable, ec));
}

asio::awaitable<void> CompletionBatcher::flush() {
  while (!queue_.empty()) {
    std::vector<std::shared_ptr<Pending>> batch;
    while (!queue_.empty() && batch.size() < max_batch_) {
      batch.push_back(std::move(queue_.front()));
      queue_.pop_front();
    }
    std::vector<store::ScanCompletion> completions;
    completions.reserve(batch.size());
    for (auto& p : batch) completions.push_back(std::move(p->completion));

    // (co_await is not allowed in a catch block: the failure is kept and handled after.)
    std::exception_ptr failure;
    bool unavailable = false;
    try {
      const auto stored = co_await db_.run([&] { return store_.complete_scans(completions); });
      for (std::size_t i = 0; i < batch.size(); ++i) batch[i]->stored = stored[i];
      ++batches_;
      written_ += batch.size();
    } catch (const UnavailableError&) {
      failure = std::current_exception();
      unavailable = true;
    } catch (const std::exception&) {
      failure = std::current_exception();
    }
    if (failure && (unavailable || batch.size() == 1)) {
      for (auto& p : batch) p->error = failure;
    } else if (failure) {
      // Something in the batch was refused: each on its own, so that only it fails.
      for (std::size_t i = 0; i < batch.size(); ++i) {
        try {
          batch[i]->stored = co_await db_.run([&] { return store_.complete_scan(completions[i]); });
          ++batches_;
          ++written_;
        } catch (const std::exception&) {
          batch[i]->error = std::current_exception();
        }
      }
    }
    for (auto& p : batch) p->done.cancel();
  }
  flushing_ = false;
}

}  // namespace domainscan::worker
