#pragma once
// Publishes with publisher confirms on a connection of its own, owned by one thread.
// submit() hands a message over; its `done` callback runs on the publisher thread once the
// broker confirmed it (nullptr) or it failed (an UnavailableError: not connected, the
// broker refused it, no confirm within kConfirmTimeout, or the connection dropped before the
// confirm, in which case the message may or may not have arrived: consumers are idempotent).
// The thread reconnects with backoff by itself.
#include "bus/amqp/amqp_connection.hpp"
#include "bus/amqp/amqp_topology.hpp"
#include "bus/amqp/wakeup.hpp"

#include <atomic>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>

namespace domainscan::bus::amqp {

struct PublishRequest {
  std::string exchange;  // "" is the default exchange: routing_key is then a queue name
  std::string routing_key;
  std::string body;
  Headers headers;
  std::function<void(std::exception_ptr)> done;
};

class AmqpPublisher {
 public:
  // Most messages waiting to be sent; beyond it submit() fails at once (the API answers and
  // the outbox sweeper publishes later) rather than letting memory grow.
  static constexpr std::size_t kMaxWaiting = 10'000;
  static constexpr std::chrono::seconds kConfirmTimeout{30};

  AmqpPublisher(AmqpUrl url, ConnectionOptions options, RetryDelays delays);
  ~AmqpPublisher();  // stops the thread; what is still unconfirmed fails

  void submit(PublishRequest request);
  bool connected() const { return connected_; }
  // Messages ready in a queue, refreshed every few seconds; -1 before the first look.
  long depth(const std::string& queue) const;

 private:
  struct Sent {
    PublishRequest request;
    std::chrono::steady_clock::time_point at;
  };
  void run(std::stop_token stop);
  void serve(AmqpConnection& connection, std::stop_token stop);
  void fail_all(std::map<std::uint64_t, Sent>& sent, const std::string& why);

  AmqpUrl url_;
  ConnectionOptions options_;
  RetryDelays delays_;
  Wakeup wakeup_;
  std::atomic<bool> connected_{false};
  mutable std::mutex mutex_;
  std::deque<PublishRequest> waiting_;
  std::map<std::string, long> depths_;
  std::jthread thread_;  // last: started when everything above exists
};

}  // namespace domainscan::bus::amqp
