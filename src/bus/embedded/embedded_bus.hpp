#pragma once
// The in-process bus of `domainscan serve`: bounded queues in memory with the same routing,
// retry and dead-letter rules as the AMQP topology. Nothing here is durable: the database
// is, and at start-up the unfinished scans are published again (app/services.cpp).
#include "bus/bus.hpp"

#include <boost/asio/any_io_executor.hpp>

#include <chrono>
#include <deque>
#include <map>
#include <mutex>

namespace domainscan::bus::embedded {

// Most messages one queue holds; a publish beyond it fails (the API answers 503) rather
// than letting memory grow without bound.
inline constexpr std::size_t kMaxQueuedMessages = 100'000;
// Most dead messages kept for inspection; older ones are dropped (and were logged).
inline constexpr std::size_t kMaxDeadMessages = 1'000;

class EmbeddedBus final : public Bus {
 public:
  // Retry n of a message waits n * retry_step (capped at 30 steps).
  explicit EmbeddedBus(boost::asio::any_io_executor executor,
                       std::chrono::milliseconds retry_step = std::chrono::seconds(1));
  ~EmbeddedBus() override;

  boost::asio::awaitable<void> publish(std::string routing_key, std::string body) override;
  void subscribe(std::string queue, Handler handler, std::size_t max_in_flight) override;
  boost::asio::awaitable<void> stop() override;
  bool healthy() const override { return true; }
  long depth(const std::string& queue) const override;

  // The dead-lettered messages, oldest first (for tests and inspection).
  std::vector<Message> dead_messages() const;

 private:
  struct Queue {
    std::deque<Message> messages;
    Handler handler;
    std::size_t max_in_flight = 0;
    std::size_t in_flight = 0;
  };

  void enqueue_locked(const std::string& queue, Message message);
  void pump_locked(const std::string& queue);
  boost::asio::awaitable<void> deliver(std::string queue, Message message);
  void settle(const std::string& queue, Message message, Outcome outcome);

  boost::asio::any_io_executor executor_;
  std::chrono::milliseconds retry_step_;
  mutable std::mutex mutex_;
  std::map<std::string, Queue> queues_;
  std::deque<Message> dead_;
  std::size_t in_flight_total_ = 0;
  bool stopping_ = false;
};

}  // namespace domainscan::bus::embedded
