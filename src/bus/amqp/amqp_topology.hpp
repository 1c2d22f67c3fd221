#pragma once
// The RabbitMQ topology of ARCHITECTURE.md, declared idempotently by every connection at
// start-up:
//   exchange domainscan (topic, durable)
//   domainscan.scans      <- scan.requested       (quorum queue where the broker has them)
//   domainscan.schedules  <- schedule.requested   (quorum queue where the broker has them)
//   domainscan.dead       messages that can never succeed, or failed every attempt
//   <queue>.retry.<delay> one per work queue and retry delay: a queue-level TTL, after which
//                         the broker dead-letters the message back to <queue>
// A retry is published to the retry queue of its attempt (with the attempt counted in a
// header) and the original acknowledged: the growing delays need no timer in any process.
#include "bus/amqp/amqp_connection.hpp"

#include <chrono>
#include <string>
#include <vector>

namespace domainscan::bus::amqp {

// Headers our consumers read and write.
inline constexpr const char* kAttemptHeader = "x-domainscan-attempt";
inline constexpr const char* kRoutingKeyHeader = "x-domainscan-routing-key";  // survives the retry detour
inline constexpr const char* kReasonHeader = "x-domainscan-reason";            // on dead messages
inline constexpr const char* kQueueHeader = "x-domainscan-queue";              // on dead messages

// Delay before attempt n + 1 is delays[n - 1]; there are kMaxDeliveryAttempts - 1 of them.
using RetryDelays = std::vector<std::chrono::milliseconds>;
RetryDelays default_retry_delays();  // 1s, 5s, 30s, 2m: long enough to ride out a database restart

std::string retry_queue_name(const std::string& queue, std::chrono::milliseconds delay);

void declare_topology(AmqpConnection& connection, const RetryDelays& delays);

}  // namespace domainscan::bus::amqp
