#pragma once
// Delivers webhook events. The deliveries are rows (store/webhook_model.hpp), created with
// the events in the transaction that stores a scan; every worker process runs a deliverer
// that takes the due ones under a lease (two deliverers never attempt one delivery at once
// while the lease runs), POSTs them (watch/webhook_post.hpp) at most `concurrency` at a
// time, and records each attempt: delivered, retried with back-off, or failed. A receiver
// that is slow or down costs its own deliveries' time, never a scan's: deliveries have
// their own coroutines, resolver and timeout.
//
// At least once: a delivery is marked delivered only after the receiver's 2xx; a process
// that dies meanwhile leaves it to be taken again once the lease has run out.
#include "core/blocking_pool.hpp"
#include "core/settings.hpp"
#include "scan/target_policy.hpp"
#include "scan/unbound_resolver.hpp"
#include "store/store.hpp"
#include "watch/delivery_retry.hpp"
#include "watch/webhook_post.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <atomic>
#include <memory>
#include <random>

namespace domainscan::watch {

struct DelivererOptions {
  std::chrono::milliseconds timeout{10'000};  // per attempt (--webhook-timeout)
  std::size_t concurrency = 16;               // attempts in flight (--webhook-concurrency)
  // How often the deliverer looks for due deliveries when nothing woke it.
  std::chrono::milliseconds poll_interval{1'000};
  // A wake looks again at once, but no sooner than this after the last look: a worker stores
  // events with nearly every batch of results (domain.bad for each name that does not exist),
  // and a look is a database transaction, which most wakes would cost for nothing.
  std::chrono::milliseconds wake_gap{100};
  RetryPolicy retry;
};

struct DelivererCounters {
  std::atomic<long> delivered{0};
  std::atomic<long> retried{0};  // attempts that failed and will be tried again
  std::atomic<long> failed{0};   // deliveries given up (or refused with 410 Gone)
  std::atomic<long> looks{0};    // times it asked the database for due deliveries
};

class WebhookDeliverer {
 public:
  WebhookDeliverer(boost::asio::any_io_executor executor, store::Store& store, BlockingPool& db,
                   const Settings& settings, DelivererOptions options);

  void start();
  // New deliveries may be due (this process stored events): look now rather than at the
  // next poll.
  void wake();
  // Takes no more deliveries; the attempts in flight finish (or are taken again elsewhere
  // once their lease runs out, should the process stop first).
  void stop();

  const DelivererCounters& counters() const { return counters_; }

 private:
  boost::asio::awaitable<void> run();
  boost::asio::awaitable<void> attempt(store::DueDelivery delivery);
  double jitter();

  boost::asio::strand<boost::asio::any_io_executor> strand_;
  store::Store& store_;
  BlockingPool& db_;
  DelivererOptions options_;
  scan::TargetPolicy policy_;
  scan::UnboundResolver resolver_;
  PostContext post_context_;
  boost::asio::steady_timer timer_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> woken_{false};
  std::atomic<std::size_t> in_flight_{0};
  std::mt19937_64 random_;  // the jitter (on the strand)
  DelivererCounters counters_;
};

}  // namespace domainscan::watch
