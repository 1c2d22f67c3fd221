#pragma once
// The RabbitMQ that tests/run-all.sh started: its URL, a clean slate for each test, and
// rabbitmqctl against it (to drop connections or stop the broker mid-test).
#include "bus/amqp/amqp_connection.hpp"

#include <string>

namespace domainscan::testing {

std::string test_amqp_url();  // DOMAINSCAN_TEST_AMQP_URL

// Deletes the queues and the exchange of the topology (and retry queues with these delays),
// so that a test starts with no messages left by another.
void reset_amqp_topology(const std::vector<std::chrono::milliseconds>& retry_delays);

// Runs `tests/testbed/rabbitmq.sh ctl DIR ARGS` (DOMAINSCAN_TEST_RABBITMQ_CTL); true on success.
bool rabbitmqctl(const std::string& args);

}  // namespace domainscan::testing
