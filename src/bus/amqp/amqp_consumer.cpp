#include "bus/amqp/amqp_consumer.hpp"

#include "bus/amqp/delivery_ledger.hpp"
#include "bus/topology.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <spdlog/spdlog.h>

namespace domainscan::bus::amqp {

namespace asio = boost::asio;
using namespace std::chrono_literals;

namespace {

constexpr auto kFirstBackoff = 500ms;
constexpr auto kMaxBackoff = 30s;
// A message whose retry copy could not be published goes back to the queue after this
// pause, so that a broker in trouble does not see it bounce straight back.
constexpr auto kRequeuePause = 1s;
// Deliveries taken from the library per loop turn before acknowledgements are sent again.
constexpr int kDeliveriesPerTurn = 64;

int attempt_of(const Delivery& d) {
  const auto it = d.headers.find(kAttemptHeader);
  if (it != d.headers.end()) {
    if (const auto* n = std::get_if<std::int64_t>(&it->second); n && *n >= 1) return static_cast<int>(*n);
  }
  return 1;
}

std::string routing_key_of(const Delivery& d) {
  const auto it = d.headers.find(kRoutingKeyHeader);
  if (it != d.headers.end()) {
    if (const auto* s = std::get_if<std::string>(&it->second)) return *s;
  }
  return d.routing_key;
}

}  // namespace

AmqpConsumer::AmqpConsumer(AmqpUrl url, ConnectionOptions options, RetryDelays delays, std::string queue,
                           Handler handler, std::size_t prefetch, asio::any_io_executor executor,
                           AmqpPublisher& publisher)
    : url_(std::move(url)), options_(std::move(options)), delays_(std::move(delays)), queue_(std::move(queue)),
      handler_(std::move(handler)),
      prefetch_(static_cast<std::uint16_t>(std::clamp<std::size_t>(prefetch, 1, 65535))),
      executor_(std::move(executor)), publisher_(publisher),
      thread_([this](std::stop_token stop) { run(stop); }) {}

AmqpConsumer::~AmqpConsumer() {
  stopping_ = true;
  thread_.request_stop();
  wakeup_.notify();
  thread_.join();
}

void AmqpConsumer::request_stop() {
  stopping_ = true;
  wakeup_.notify();
}

void AmqpConsumer::run(std::stop_token stop) {
  auto backoff = std::chrono::milliseconds(kFirstBackoff);
  while (!stop.stop_requested() && !stopping_) {
    try {
      AmqpConnection connection(url_, options_);
      declare_topology(connection, delays_);
      connection.set_prefetch(prefetch_);
      connection.start_consuming(queue_);
      ++generation_;
      spdlog::info("amqp: consuming {} (prefetch {})", queue_, prefetch_);
      backoff = kFirstBackoff;
      serve(connection, stop);
      return;  // stopped
    } catch (const std::exception& e) {
      ++generation_;  // outcomes of this connection's deliveries can no longer be acknowledged
      spdlog::warn("amqp: consumer of {}: {}; reconnecting in {} ms", queue_, e.what(), backoff.count());
    }
    wakeup_.wait(-1, backoff);
    backoff = std::min<std::chrono::milliseconds>(backoff * 2, kMaxBackoff);
  }
}

void AmqpConsumer::serve(AmqpConnection& connection, std::stop_token stop) {
  const auto generation = generation_.load();
  const auto idle_wait = std::chrono::duration_cast<std::chrono::milliseconds>(options_.heartbeat) / 4;
  DeliveryLedger ledger;  // of this connection's deliveries
  while (true) {
    std::vector<Settlement> ready;
    {
      std::lock_guard lock(mutex_);
      ready.swap(settlements_);
    }
    std::vector<DeliveryLedger::Outcome> outcomes;
    outcomes.reserve(ready.size());
    for (const auto& s : ready) {
      if (s.generation != generation) continue;  // from a connection that is gone
      outcomes.push_back({s.delivery_tag, s.action == Action::ack});
    }
    if (!outcomes.empty()) {
      const auto frames = ledger.settle(outcomes);
      for (const auto tag : frames.rejects) connection.reject(tag, true);
      if (frames.ack_upto) connection.ack(*frames.ack_upto, true);
      for (const auto tag : frames.acks) connection.ack(tag, false);
    }
    if (stop.stop_requested() || (stopping_ && in_flight_ == 0)) return;

    if (!connection.has_buffered_input()) wakeup_.wait(connection.socket_fd(), stopping_ ? 50ms : idle_wait);
    for (int i = 0; i < kDeliveriesPerTurn; ++i) {
      auto delivery = connection.consume_one(0ms);
      if (!delivery) break;
      if (stopping_) {
        connection.reject(delivery->delivery_tag, true);  // back to the queue for another consumer
        continue;
      }
      ++in_flight_;
      ledger.delivered(delivery->delivery_tag);
      dispatch(*delivery);
    }
  }
}

void AmqpConsumer::dispatch(const Delivery& delivery) {
  const auto generation = generation_.load();
  const int attempt = attempt_of(delivery);
  Message message{routing_key_of(delivery), delivery.body, attempt};
  asio::co_spawn(
      executor_,
      [this, message = std::move(message)]() -> asio::awaitable<Outcome> { co_return co_await handler_(message); },
      [this, generation, delivery, attempt](std::exception_ptr error, Outcome outcome) {
        if (error) {
          try {
            std::rethrow_exception(error);
          } catch (const std::exception& e) {
            spdlog::warn("amqp: handler for {} failed: {}", queue_, e.what());
          }
          outcome = Outcome::retry;
        }
        on_outcome(generation, delivery, attempt, outcome);
      });
}

void AmqpConsumer::on_outcome(std::uint64_t generation, const Delivery& delivery, int attempt, Outcome outcome) {
  if (outcome == Outcome::ack) {
    settle(generation, delivery.delivery_tag, Action::ack);
    return;
  }
  std::string reason = outcome == Outcome::dead_letter ? "refused by the consumer (not of the contract)"
                                                       : "failed " + std::to_string(attempt) + " attempts";
  PublishRequest copy;
  copy.exchange = "";  // the default exchange: routing key = queue name
  copy.body = delivery.body;
  copy.headers[kRoutingKeyHeader] = routing_key_of(delivery);
  if (outcome == Outcome::retry && attempt < kMaxDeliveryAttempts &&
      static_cast<std::size_t>(attempt) <= delays_.size()) {
    copy.routing_key = retry_queue_name(queue_, delays_[static_cast<std::size_t>(attempt) - 1]);
    copy.headers[kAttemptHeader] = std::int64_t{attempt + 1};
  } else {
    spdlog::error("amqp: dead-lettering a message of {} ({}): {}", queue_, reason, delivery.body.substr(0, 300));
    copy.routing_key = kDeadQueue;
    copy.headers[kAttemptHeader] = std::int64_t{attempt};
    copy.headers[kReasonHeader] = std::move(reason);
    copy.headers[kQueueHeader] = queue_;
  }
  const auto tag = delivery.delivery_tag;
  copy.done = [this, generation, tag](std::exception_ptr error) {
    if (!error) {
      settle(generation, tag, Action::ack);
      return;
    }
    auto timer = std::make_shared<asio::steady_timer>(executor_, kRequeuePause);
    timer->async_wait([this, timer, generation, tag](boost::system::error_code) {
      settle(generation, tag, Action::requeue);
    });
  };
  publisher_.submit(std::move(copy));
}

void AmqpConsumer::settle(std::uint64_t generation, std::uint64_t tag, Action action) {
  {
    std::lock_guard lock(mutex_);
    settlements_.push_back({generation, tag, action});
  }
  --in_flight_;
  wakeup_.notify();
}

}  // namespace domainscan::bus::amqp
