#include "bus/amqp/amqp_publisher.hpp"

#include "bus/topology.hpp"
#include "core/errors.hpp"

#include <spdlog/spdlog.h>

namespace domainscan::bus::amqp {

using namespace std::chrono_literals;

namespace {

constexpr auto kFirstBackoff = 500ms;
constexpr auto kMaxBackoff = 30s;
constexpr auto kDepthRefresh = 5s;

void finish(PublishRequest& request, std::exception_ptr error) {
  if (!request.done) return;
  try {
    request.done(error);
  } catch (const std::exception& e) {
    spdlog::error("amqp: a publish callback threw: {}", e.what());
  }
}

std::exception_ptr unavailable(const std::string& why) { return std::make_exception_ptr(UnavailableError(why)); }

}  // namespace

AmqpPublisher::AmqpPublisher(AmqpUrl url, ConnectionOptions options, RetryDelays delays)
    : url_(std::move(url)), options_(std::move(options)), delays_(std::move(delays)),
      thread_([this](std::stop_token stop) { run(stop); }) {}

AmqpPublisher::~AmqpPublisher() {
  thread_.request_stop();
  wakeup_.notify();
  thread_.join();
  std::deque<PublishRequest> left;
  {
    std::lock_guard lock(mutex_);
    left.swap(waiting_);
  }
  for (auto& r : left) finish(r, unavailable("the publisher stopped"));
}

void AmqpPublisher::submit(PublishRequest request) {
  {
    std::lock_guard lock(mutex_);
    if (connected_ && waiting_.size() < kMaxWaiting) {
      waiting_.push_back(std::move(request));
      wakeup_.notify();
      return;
    }
  }
  finish(request, unavailable(connected_ ? "too many messages waiting to be published"
                                         : "not connected to RabbitMQ"));
}

long AmqpPublisher::depth(const std::string& queue) const {
  std::lock_guard lock(mutex_);
  const auto it = depths_.find(queue);
  return it == depths_.end() ? -1 : it->second;
}

void AmqpPublisher::run(std::stop_token stop) {
  auto backoff = std::chrono::milliseconds(kFirstBackoff);
  while (!stop.stop_requested()) {
    try {
      AmqpConnection connection(url_, options_);
      declare_topology(connection, delays_);
      connection.enable_confirms();
      spdlog::info("amqp: publisher connected to {}", url_.to_string());
      backoff = kFirstBackoff;
      serve(connection, stop);
    } catch (const std::exception& e) {
      connected_ = false;
      spdlog::warn("amqp: publisher: {}; reconnecting in {} ms", e.what(), backoff.count());
    }
    connected_ = false;
    // What was handed over but not sent yet fails now: the callers know, and retry.
    std::deque<PublishRequest> left;
    {
      std::lock_guard lock(mutex_);
      left.swap(waiting_);
    }
    for (auto& r : left) finish(r, unavailable("the connection to RabbitMQ was lost"));
    if (stop.stop_requested()) break;
    wakeup_.wait(-1, backoff);
    backoff = std::min<std::chrono::milliseconds>(backoff * 2, kMaxBackoff);
  }
}

void AmqpPublisher::fail_all(std::map<std::uint64_t, Sent>& sent, const std::string& why) {
  for (auto& [tag, s] : sent) finish(s.request, unavailable(why));
  sent.clear();
}

void AmqpPublisher::serve(AmqpConnection& connection, std::stop_token stop) {
  std::map<std::uint64_t, Sent> sent;  // by delivery tag, awaiting the broker's confirm
  auto next_depth_refresh = std::chrono::steady_clock::now();
  connected_ = true;
  try {
    while (!stop.stop_requested()) {
      std::deque<PublishRequest> batch;
      {
        std::lock_guard lock(mutex_);
        batch.swap(waiting_);
      }
      const auto now = std::chrono::steady_clock::now();
      for (auto& r : batch) {
        const auto tag = connection.publish(r.exchange, r.routing_key, r.body, r.headers);
        sent.emplace(tag, Sent{std::move(r), now});
      }

      // Read whatever the broker sent: confirms, and heartbeats (handled inside the library).
      if (!connection.has_buffered_input()) {
        // Wake at least four times per heartbeat interval, so heartbeats go out in time.
        const auto idle = std::chrono::duration_cast<std::chrono::milliseconds>(options_.heartbeat) / 4;
        wakeup_.wait(connection.socket_fd(), sent.empty() ? idle : std::chrono::milliseconds(1000));
      }
      while (auto confirm = connection.wait_confirm(0ms)) {
        auto settle = [&](std::map<std::uint64_t, Sent>::iterator it) {
          finish(it->second.request,
                 confirm->ack ? nullptr : unavailable("the broker could not take the message (basic.nack)"));
          return sent.erase(it);
        };
        if (confirm->multiple) {
          for (auto it = sent.begin(); it != sent.end() && it->first <= confirm->delivery_tag;) it = settle(it);
        } else if (auto it = sent.find(confirm->delivery_tag); it != sent.end()) {
          settle(it);
        }
      }

      const auto deadline = std::chrono::steady_clock::now() - kConfirmTimeout;
      for (auto it = sent.begin(); it != sent.end();) {
        if (it->second.at < deadline) {
          finish(it->second.request, unavailable("no confirm from the broker in time"));
          it = sent.erase(it);
        } else {
          ++it;
        }
      }

      if (std::chrono::steady_clock::now() >= next_depth_refresh) {
        for (const char* q : {kScanQueue, kScheduleQueue, kDeadQueue}) {
          const auto n = static_cast<long>(connection.queue_depth(q));
          std::lock_guard lock(mutex_);
          depths_[q] = n;
        }
        next_depth_refresh = std::chrono::steady_clock::now() + kDepthRefresh;
      }
    }
  } catch (...) {
    connected_ = false;
    fail_all(sent, "the connection to RabbitMQ was lost before the broker confirmed");
    throw;
  }
  fail_all(sent, "the publisher stopped before the broker confirmed");
}

}  // namespace domainscan::bus::amqp
