#include "scheduler/scan_pruner.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>

namespace domainscan::scheduler {

namespace asio = boost::asio;

ScanPruner::ScanPruner(asio::any_io_executor executor, store::Store& store, BlockingPool& db, PrunerOptions options,
                       Now now)
    : timer_(asio::make_strand(executor)), store_(store), db_(db), options_(options), now_(std::move(now)) {}

void ScanPruner::start() {
  if (options_.retention.keeps_everything()) return;
  asio::co_spawn(timer_.get_executor(), loop(), asio::detached);
}

void ScanPruner::stop() {
  asio::post(timer_.get_executor(), [this] {
    stopping_ = true;
    timer_.cancel();
  });
}

asio::awaitable<bool> ScanPruner::sleep(std::chrono::milliseconds duration) {
  timer_.expires_after(duration);
  boost::system::error_code ec;
  co_await timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  co_return !stopping_;
}

asio::awaitable<std::size_t> ScanPruner::pass() {
  std::size_t deleted = 0;
  std::int64_t after = 0;
  while (!stopping_) {
    const auto now = now_();
    const auto step = co_await db_.run(
        [&] { return store_.prune_scans(options_.retention, after, options_.batch, now); });
    deleted += step.deleted;
    pruned_ += static_cast<long>(step.deleted);
    if (!step.next_after) break;
    after = *step.next_after;
    if (!co_await sleep(options_.pause)) break;
  }
  ++passes_;
  co_return deleted;
}

asio::awaitable<void> ScanPruner::loop() {
  while (!stopping_) {
    const auto started = std::chrono::steady_clock::now();
    try {
      const auto deleted = co_await pass();
      if (deleted > 0) spdlog::info("scheduler: pruned {} scans beyond --keep-scans", deleted);
    } catch (const std::exception& e) {
      // The database is out of reach, or the statement failed: the next pass tries again.
      spdlog::warn("scheduler: pruning scans failed: {}", e.what());
    }
    const auto spent = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
    if (!co_await sleep(std::max(options_.pass_interval - spent, options_.pause))) break;
  }
}

}  // namespace domainscan::scheduler
