#include "outbox/confirm_recorder.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

namespace domainscan::outbox {

namespace asio = boost::asio;

ConfirmRecorder::ConfirmRecorder(asio::any_io_executor executor, store::Store& store, BlockingPool& db)
    : strand_(asio::make_strand(executor)), timer_(strand_), store_(store), db_(db) {}

void ConfirmRecorder::record(std::vector<std::int64_t> scan_ids) {
  if (scan_ids.empty()) return;
  asio::dispatch(strand_, [this, ids = std::move(scan_ids)]() mutable {
    waiting_.insert(waiting_.end(), ids.begin(), ids.end());
    if (waiting_.size() >= kMaxWaiting) {
      timer_.cancel();  // the write under way goes now (or the one started here)
    }
    if (!scheduled_) {
      scheduled_ = true;
      asio::co_spawn(strand_, write_after_delay(), asio::detached);
    }
  });
}

asio::awaitable<void> ConfirmRecorder::write_after_delay() {
  if (waiting_.size() < kMaxWaiting) {
    timer_.expires_after(kDelay);
    boost::system::error_code ec;  // cancelled: write now
    co_await timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
  scheduled_ = false;  // what comes in while this writes waits for the next write
  co_await write_waiting();
}

asio::awaitable<void> ConfirmRecorder::flush() {
  co_await asio::co_spawn(strand_, write_waiting(), asio::use_awaitable);
}

asio::awaitable<void> ConfirmRecorder::write_waiting() {
  // On the strand (resumed there after the pool call).
  if (waiting_.empty()) co_return;
  std::vector<std::int64_t> ids;
  ids.swap(waiting_);
  ++writes_;
  try {
    co_await db_.run([&] { store_.mark_published(ids); });
  } catch (const std::exception& e) {
    spdlog::warn("outbox: {} scans published, but recording it failed: {}", ids.size(), e.what());
  }
}

}  // namespace domainscan::outbox
