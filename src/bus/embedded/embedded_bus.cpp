#include "bus/embedded/embedded_bus.hpp"

#include "bus/topology.hpp"
#include "core/errors.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

namespace domainscan::bus::embedded {

namespace asio = boost::asio;

// Retry n waits n steps (1 s, 2 s, 3 s, ... by default): long enough for a restarting
// database, short enough that a scan is not held up for long.
EmbeddedBus::EmbeddedBus(asio::any_io_executor executor, std::chrono::milliseconds retry_step)
    : executor_(std::move(executor)), retry_step_(retry_step) {
  for (const char* q : {kScanQueue, kScheduleQueue}) queues_[q];
}

EmbeddedBus::~EmbeddedBus() = default;

asio::awaitable<void> EmbeddedBus::publish(std::string routing_key, std::string body) {
  const char* queue = queue_for(routing_key);
  if (queue == nullptr) co_return;  // an event no queue of ours is bound to
  std::lock_guard lock(mutex_);
  if (queues_[queue].messages.size() >= kMaxQueuedMessages) {
    throw UnavailableError(std::string("the queue ") + queue + " is full");
  }
  enqueue_locked(queue, Message{std::move(routing_key), std::move(body), 1});
}

void EmbeddedBus::subscribe(std::string queue, Handler handler, std::size_t max_in_flight) {
  std::lock_guard lock(mutex_);
  auto& q = queues_[queue];
  q.handler = std::move(handler);
  q.max_in_flight = std::max<std::size_t>(1, max_in_flight);
  pump_locked(queue);
}

void EmbeddedBus::enqueue_locked(const std::string& queue, Message message) {
  queues_[queue].messages.push_back(std::move(message));
  pump_locked(queue);
}

void EmbeddedBus::pump_locked(const std::string& queue) {
  auto& q = queues_[queue];
  while (!stopping_ && q.handler && q.in_flight < q.max_in_flight && !q.messages.empty()) {
    Message m = std::move(q.messages.front());
    q.messages.pop_front();
    ++q.in_flight;
    ++in_flight_total_;
    // Posted, never dispatched: co_spawn would run deliver() inline on an io_context thread,
    // inside this lock.
    asio::post(executor_, [this, queue, m = std::move(m)]() mutable {
      asio::co_spawn(executor_, deliver(queue, std::move(m)), asio::detached);
    });
  }
}

asio::awaitable<void> EmbeddedBus::deliver(std::string queue, Message message) {
  Handler handler;
  {
    std::lock_guard lock(mutex_);
    handler = queues_[queue].handler;
  }
  Outcome outcome = Outcome::retry;
  try {
    outcome = co_await handler(message);
  } catch (const std::exception& e) {
    spdlog::warn("bus: handler for {} failed: {}", queue, e.what());
  }
  settle(queue, std::move(message), outcome);
}

void EmbeddedBus::settle(const std::string& queue, Message message, Outcome outcome) {
  std::lock_guard lock(mutex_);
  auto& q = queues_[queue];
  --q.in_flight;
  --in_flight_total_;
  if (outcome == Outcome::retry && message.attempt >= kMaxDeliveryAttempts) {
    spdlog::error("bus: giving up on a message of {} after {} attempts", queue, message.attempt);
    outcome = Outcome::dead_letter;
  }
  if (outcome == Outcome::dead_letter) {
    spdlog::error("bus: dead-lettered from {}: {}", queue, message.body.substr(0, 500));
    dead_.push_back(std::move(message));
    if (dead_.size() > kMaxDeadMessages) dead_.pop_front();
  } else if (outcome == Outcome::retry && !stopping_) {
    ++message.attempt;
    auto timer = std::make_shared<asio::steady_timer>(executor_, retry_step_ * std::min(message.attempt - 1, 30));
    timer->async_wait([this, timer, queue, message = std::move(message)](boost::system::error_code ec) mutable {
      if (ec) return;
      std::lock_guard relock(mutex_);
      if (!stopping_) enqueue_locked(queue, std::move(message));
    });
  }
  pump_locked(queue);
}

asio::awaitable<void> EmbeddedBus::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  // Handlers finish by themselves (every check has a timeout); poll until they have.
  asio::steady_timer timer(co_await asio::this_coro::executor);
  while (true) {
    {
      std::lock_guard lock(mutex_);
      if (in_flight_total_ == 0) break;
    }
    timer.expires_after(std::chrono::milliseconds(50));
    co_await timer.async_wait(asio::use_awaitable);
  }
}

long EmbeddedBus::depth(const std::string& queue) const {
  std::lock_guard lock(mutex_);
  if (queue == kDeadQueue) return static_cast<long>(dead_.size());
  auto it = queues_.find(queue);
  return it == queues_.end() ? 0 : static_cast<long>(it->second.messages.size());
}

std::vector<Message> EmbeddedBus::dead_messages() const {
  std::lock_guard lock(mutex_);
  return {dead_.begin(), dead_.end()};
}

}  // namespace domainscan::bus::embedded
