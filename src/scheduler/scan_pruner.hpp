#pragma once
// Retention (--keep-scans), run by the scheduling service: walks every domain in id order,
// kBatch domains a step, deleting the scans store::ScanRetention does not keep. The steps
// are paced (a pause between them) so that pruning a large history never holds the
// database for long or starves the scans' own writes; a pass starts every pass_interval.
// Several schedulers may prune at once: they delete the same rows at worst, never others.
#include "core/blocking_pool.hpp"
#include "store/store.hpp"

#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <chrono>
#include <functional>

namespace domainscan::scheduler {

struct PrunerOptions {
  store::ScanRetention retention;
  std::size_t batch = 100;                       // domains a step
  std::chrono::milliseconds pause{100};          // between steps of a pass
  std::chrono::milliseconds pass_interval{600'000};  // from the start of one pass to the next
};

class ScanPruner {
 public:
  using Now = std::function<TimePoint()>;

  ScanPruner(boost::asio::any_io_executor executor, store::Store& store, BlockingPool& db, PrunerOptions options,
             Now now = now_ms);

  void start();  // does nothing when the retention keeps everything
  void stop();

  // One whole pass (public for tests); returns the scans deleted.
  boost::asio::awaitable<std::size_t> pass();

  long pruned() const { return pruned_; }
  long passes() const { return passes_; }

 private:
  boost::asio::awaitable<void> loop();
  boost::asio::awaitable<bool> sleep(std::chrono::milliseconds duration);

  boost::asio::steady_timer timer_;  // on a strand
  store::Store& store_;
  BlockingPool& db_;
  PrunerOptions options_;
  Now now_;
  std::atomic<long> pruned_{0};
  std::atomic<long> passes_{0};
  bool stopping_ = false;
};

}  // namespace domainscan::scheduler
