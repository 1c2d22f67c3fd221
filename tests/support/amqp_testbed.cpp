#include "support/amqp_testbed.hpp"

#include "bus/amqp/amqp_topology.hpp"
#include "bus/topology.hpp"
#include "support/testbed.hpp"

#include <amqp.h>
#include <amqp_tcp_socket.h>

#include <cstdlib>
#include <stdexcept>

namespace domainscan::testing {

std::string test_amqp_url() { return required_env("DOMAINSCAN_TEST_AMQP_URL"); }

void reset_amqp_topology(const std::vector<std::chrono::milliseconds>& retry_delays) {
  const auto url = bus::amqp::parse_amqp_url(test_amqp_url());
  amqp_connection_state_t conn = amqp_new_connection();
  amqp_socket_t* socket = amqp_tcp_socket_new(conn);
  if (amqp_socket_open(socket, url.host.c_str(), url.port) != AMQP_STATUS_OK) {
    amqp_destroy_connection(conn);
    throw std::runtime_error("cannot connect to the test RabbitMQ");
  }
  amqp_login(conn, url.vhost.c_str(), 0, AMQP_DEFAULT_FRAME_SIZE, 0, AMQP_SASL_METHOD_PLAIN, url.user.c_str(),
             url.password.c_str());
  amqp_channel_open(conn, 1);
  std::vector<std::string> queues = {bus::kScanQueue, bus::kScheduleQueue, bus::kDeadQueue};
  for (const char* q : {bus::kScanQueue, bus::kScheduleQueue}) {
    for (const auto d : retry_delays) queues.push_back(bus::amqp::retry_queue_name(q, d));
  }
  for (const auto& q : queues) {
    amqp_queue_delete(conn, 1, amqp_cstring_bytes(q.c_str()), 0, 0);  // deleting a missing queue is fine
  }
  amqp_exchange_delete(conn, 1, amqp_cstring_bytes(bus::kExchange), 0);
  amqp_channel_close(conn, 1, AMQP_REPLY_SUCCESS);
  amqp_connection_close(conn, AMQP_REPLY_SUCCESS);
  amqp_destroy_connection(conn);
}

bool rabbitmqctl(const std::string& args) {
  const auto ctl = required_env("DOMAINSCAN_TEST_RABBITMQ_CTL");
  return std::system((ctl + " " + args + " >/dev/null 2>&1").c_str()) == 0;
}

}  // namespace domainscan::testing
