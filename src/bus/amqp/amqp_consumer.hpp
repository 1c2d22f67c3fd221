#pragma once
// Consumes one queue on a connection of its own, owned by one thread: deliveries are handed
// to the handler on the io_context (at most `prefetch` at once: the broker enforces it), and
// the handler's outcome comes back to this thread, the only one allowed to acknowledge.
//   ack         -> basic.ack
//   retry       -> published to the queue's retry queue for that attempt (its TTL is the
//                  delay), then acknowledged; after the last attempt, as dead_letter
//   dead_letter -> published to domainscan.dead with the reason, then acknowledged
// A message is acknowledged only after its copy is confirmed, so a crash in between
// duplicates it rather than losing it. If the connection drops, unacknowledged messages
// go back to the queue (the broker redelivers them) and late outcomes are dropped.
#include "bus/amqp/amqp_publisher.hpp"
#include "bus/bus.hpp"

#include <boost/asio/any_io_executor.hpp>

namespace domainscan::bus::amqp {

class AmqpConsumer {
 public:
  AmqpConsumer(AmqpUrl url, ConnectionOptions options, RetryDelays delays, std::string queue, Handler handler,
               std::size_t prefetch, boost::asio::any_io_executor executor, AmqpPublisher& publisher);
  ~AmqpConsumer();

  // Stops taking deliveries; messages received but not yet handled go back to the queue.
  void request_stop();
  // True once stopped and every handler in flight has settled.
  bool idle() const { return stopping_ && in_flight_ == 0; }

 private:
  enum class Action { ack, requeue };
  struct Settlement {
    std::uint64_t generation;
    std::uint64_t delivery_tag;
    Action action;
  };

  void run(std::stop_token stop);
  void serve(AmqpConnection& connection, std::stop_token stop);
  void dispatch(const Delivery& delivery);
  void settle(std::uint64_t generation, std::uint64_t tag, Action action);
  void on_outcome(std::uint64_t generation, const Delivery& delivery, int attempt, Outcome outcome);

  AmqpUrl url_;
  ConnectionOptions options_;
  RetryDelays delays_;
  std::string queue_;
  Handler handler_;
  std::uint16_t prefetch_;
  boost::asio::any_io_executor executor_;
  AmqpPublisher& publisher_;
  Wakeup wakeup_;
  std::atomic<bool> stopping_{false};
  std::atomic<std::size_t> in_flight_{0};
  std::atomic<std::uint64_t> generation_{0};  // one per connection: tags of older ones are void
  std::mutex mutex_;
  std::vector<Settlement> settlements_;
  std::jthread thread_;  // last: started when everything above exists
};

}  // namespace domainscan::bus::amqp
