// --broker URLs for the RabbitMQ bus.
#include "bus/amqp/amqp_connection.hpp"
#include "bus/amqp/amqp_topology.hpp"
#include "core/errors.hpp"

#include <gtest/gtest.h>

namespace domainscan::bus::amqp {
namespace {

TEST(AmqpUrl, ParsesEveryPart) {
  const auto u = parse_amqp_url("amqp://scanner:s3cret@mq.internal:5673/prod");
  EXPECT_EQ(u.host, "mq.internal");
  EXPECT_EQ(u.port, 5673);
  EXPECT_EQ(u.user, "scanner");
  EXPECT_EQ(u.password, "s3cret");
  EXPECT_EQ(u.vhost, "prod");
  EXPECT_FALSE(u.tls);
  EXPECT_EQ(u.to_string().find("s3cret"), std::string::npos);  // logs never show the password
}

TEST(AmqpUrl, DefaultsAndTls) {
  const auto plain = parse_amqp_url("amqp://127.0.0.1");
  EXPECT_EQ(plain.port, 5672);
  EXPECT_EQ(plain.user, "guest");
  EXPECT_EQ(plain.vhost, "/");
  EXPECT_EQ(parse_amqp_url("amqp://127.0.0.1/").vhost, "/");
  EXPECT_EQ(parse_amqp_url("amqp://127.0.0.1/%2f").vhost, "/");
  const auto tls = parse_amqp_url("amqps://mq.example.com");
  EXPECT_TRUE(tls.tls);
  EXPECT_EQ(tls.port, 5671);
}

TEST(AmqpUrl, RefusesWhatIsNotAnAmqpUrl) {
  for (const char* bad : {"", "http://127.0.0.1", "amqp://", "127.0.0.1:5672", "amqp://h:notaport/"}) {
    EXPECT_THROW(parse_amqp_url(bad), ValidationError) << bad;
  }
}

TEST(AmqpTopology, RetryQueuesAreNamedByTheirDelay) {
  using namespace std::chrono_literals;
  EXPECT_EQ(retry_queue_name("domainscan.scans", 5s), "domainscan.scans.retry.5s");
  EXPECT_EQ(retry_queue_name("domainscan.scans", 2min), "domainscan.scans.retry.2m");
  EXPECT_EQ(retry_queue_name("domainscan.scans", 250ms), "domainscan.scans.retry.250ms");
  EXPECT_EQ(default_retry_delays().size(), 4u);  // kMaxDeliveryAttempts - 1
}

}  // namespace
}  // namespace domainscan::bus::amqp
