#include "bus/amqp/amqp_topology.hpp"

#include "bus/topology.hpp"
#include "core/duration.hpp"

#include <spdlog/spdlog.h>

namespace domainscan::bus::amqp {

using namespace std::chrono_literals;

RetryDelays default_retry_delays() { return {1s, 5s, 30s, 120s}; }

std::string retry_queue_name(const std::string& queue, std::chrono::milliseconds delay) {
  return queue + ".retry." + format_duration(delay);
}

namespace {

void declare_work_queue(AmqpConnection& c, const std::string& queue) {
  // Quorum queues replicate and survive a node's loss; brokers without them refuse the
  // argument, and the queue is declared classic (durable) instead. A queue that exists
  // already is left as it is.
  if (c.declare_queue_if_missing(queue, {{"x-queue-type", std::string("quorum")}})) return;
  if (c.declare_queue_if_missing(queue, {})) {
    spdlog::info("amqp: {} declared as a classic queue (the broker refused a quorum queue)", queue);
  }
}

}  // namespace

void declare_topology(AmqpConnection& c, const RetryDelays& delays) {
  c.declare_exchange(kExchange, "topic");
  c.declare_queue_if_missing(kDeadQueue, {});
  for (const auto& [queue, key] : {std::pair{kScanQueue, kScanRequested}, std::pair{kScheduleQueue, kScheduleRequested}}) {
    declare_work_queue(c, queue);
    c.bind_queue(queue, kExchange, key);
    for (const auto delay : delays) {
      c.declare_queue_if_missing(retry_queue_name(queue, delay),
                                 {{"x-message-ttl", static_cast<std::int64_t>(delay.count())},
                                  {"x-dead-letter-exchange", std::string("")},
                                  {"x-dead-letter-routing-key", std::string(queue)}});
    }
  }
}

}  // namespace domainscan::bus::amqp
