// The RabbitMQ bus against the broker that tests/run-all.sh started: publish with confirms,
// consume and ack, retries through the retry queues, dead letters, reconnection.
#include "bus/amqp/amqp_bus.hpp"
#include "bus/amqp/amqp_topology.hpp"
#include "bus/topology.hpp"
#include "core/errors.hpp"
#include "support/amqp_testbed.hpp"
#include "support/eventually.hpp"
#include "support/testbed.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <mutex>
#include <set>
#include <thread>

namespace domainscan::testing {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using bus::Message;
using bus::Outcome;
using bus::amqp::AmqpBus;

// Short retry delays, so a message runs through every attempt in well under a second.
const bus::amqp::RetryDelays kFastRetries = {20ms, 40ms, 60ms, 80ms};

// What a handler saw, safe to read from the test thread.
struct Seen {
  std::mutex m;
  std::vector<Message> messages;
  void add(const Message& msg) {
    std::lock_guard l(m);
    messages.push_back(msg);
  }
  std::size_t size() {
    std::lock_guard l(m);
    return messages.size();
  }
  std::vector<int> attempts() {
    std::lock_guard l(m);
    std::vector<int> out;
    for (const auto& msg : messages) out.push_back(msg.attempt);
    return out;
  }
};

class AmqpBusTest : public ::testing::Test {
 protected:
  AmqpBusTest() {
    reset_amqp_topology(kFastRetries);
    bus_ = make_bus(test_amqp_url());
    for (int i = 0; i < 2; ++i) threads_.emplace_back([this] { io_.run(); });
  }
  ~AmqpBusTest() override {
    bus_.reset();
    work_.reset();
    io_.stop();
    for (auto& t : threads_) t.join();
  }

  std::unique_ptr<AmqpBus> make_bus(const std::string& url, std::optional<std::string> ca_file = std::nullopt) {
    bus::amqp::AmqpBusOptions options;
    options.retry_delays = kFastRetries;
    options.connection.heartbeat = 2s;
    options.connection.ca_file = std::move(ca_file);
    return std::make_unique<AmqpBus>(io_.get_executor(), bus::amqp::parse_amqp_url(url), options);
  }

  void wait_connected(AmqpBus& b) { ASSERT_TRUE(eventually([&] { return b.healthy(); })); }

  void publish(AmqpBus& b, const std::string& key, const std::string& body) {
    asio::co_spawn(io_, b.publish(key, body), asio::use_future).get();
  }

  // Reads what reached domainscan.dead, with its headers.
  std::vector<bus::amqp::Delivery> dead_messages(std::size_t expected) {
    bus::amqp::AmqpConnection c(bus::amqp::parse_amqp_url(test_amqp_url()), {});
    c.start_consuming(bus::kDeadQueue);
    std::vector<bus::amqp::Delivery> out;
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (out.size() < expected && std::chrono::steady_clock::now() < deadline) {
      if (auto d = c.consume_one(200ms)) {
        c.ack(d->delivery_tag);
        out.push_back(std::move(*d));
      }
    }
    return out;
  }

  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_{io_.get_executor()};
  std::unique_ptr<AmqpBus> bus_;
  std::vector<std::thread> threads_;
};

TEST_F(AmqpBusTest, PublishedMessagesAreConsumedOnceAndAcknowledged) {
  wait_connected(*bus_);
  Seen seen;
  bus_->subscribe(bus::kScanQueue, [&](const Message& m) -> asio::awaitable<Outcome> {
    seen.add(m);
    co_return Outcome::ack;
  }, 8);
  for (int i = 0; i < 50; ++i) publish(*bus_, bus::kScanRequested, std::to_string(i));
  ASSERT_TRUE(eventually([&] { return seen.size() == 50; }));
  std::this_thread::sleep_for(300ms);  // nothing comes back after the acks
  EXPECT_EQ(seen.size(), 50u);
  std::lock_guard l(seen.m);
  EXPECT_EQ(seen.messages.front().routing_key, bus::kScanRequested);
  EXPECT_EQ(seen.messages.front().attempt, 1);
}

TEST_F(AmqpBusTest, MessagesPublishedBeforeAnyConsumerWaitInTheDurableQueue) {
  wait_connected(*bus_);
  publish(*bus_, bus::kScanRequested, "early");
  Seen seen;
  auto other = make_bus(test_amqp_url());  // another process, in effect
  other->subscribe(bus::kScanQueue, [&](const Message& m) -> asio::awaitable<Outcome> {
    seen.add(m);
    co_return Outcome::ack;
  }, 1);
  ASSERT_TRUE(eventually([&] { return seen.size() == 1; }));
  asio::co_spawn(io_, other->stop(), asio::use_future).get();
}

TEST_F(AmqpBusTest, RetriesComeBackThroughTheRetryQueuesWithTheAttemptCounted) {
  wait_connected(*bus_);
  Seen seen;
  bus_->subscribe(bus::kScanQueue, [&](const Message& m) -> asio::awaitable<Outcome> {
    seen.add(m);
    co_return m.attempt < 3 ? Outcome::retry : Outcome::ack;
  }, 4);
  publish(*bus_, bus::kScanRequested, "flaky");
  ASSERT_TRUE(eventually([&] { return seen.size() == 3; }));
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(seen.attempts(), (std::vector<int>{1, 2, 3}));
  std::lock_guard l(seen.m);
  EXPECT_EQ(seen.messages.back().routing_key, bus::kScanRequested);  // not the retry queue's name
  EXPECT_EQ(seen.messages.back().body, "flaky");
}

TEST_F(AmqpBusTest, AMessageThatAlwaysFailsIsDeadLetteredAfterTheLastAttempt) {
  wait_connected(*bus_);
  std::atomic<int> deliveries{0};
  bus_->subscribe(bus::kScanQueue, [&](const Message&) -> asio::awaitable<Outcome> {
    ++deliveries;
    throw std::runtime_error("database down");  // a throwing handler counts as retry
    co_return Outcome::ack;
  }, 4);
  publish(*bus_, bus::kScanRequested, R"({"v":1,"scan_id":7,"domain":"a.test","trigger":"api"})");
  const auto dead = dead_messages(1);
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(deliveries.load(), bus::kMaxDeliveryAttempts);
  EXPECT_EQ(dead[0].body, R"({"v":1,"scan_id":7,"domain":"a.test","trigger":"api"})");
  EXPECT_EQ(std::get<std::string>(dead[0].headers.at(bus::amqp::kReasonHeader)), "failed 5 attempts");
  EXPECT_EQ(std::get<std::string>(dead[0].headers.at(bus::amqp::kQueueHeader)), bus::kScanQueue);
}

TEST_F(AmqpBusTest, APoisonMessageGoesStraightToTheDeadQueue) {
  wait_connected(*bus_);
  std::atomic<int> deliveries{0};
  bus_->subscribe(bus::kScanQueue, [&](const Message&) -> asio::awaitable<Outcome> {
    ++deliveries;
    co_return Outcome::dead_letter;
  }, 4);
  publish(*bus_, bus::kScanRequested, "not json");
  const auto dead = dead_messages(1);
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(deliveries.load(), 1);
  EXPECT_EQ(dead[0].body, "not json");
}

TEST_F(AmqpBusTest, PublishingWithoutABrokerFailsClearly) {
  auto nowhere = make_bus("amqp://guest:guest@127.0.0.1:1/");
  EXPECT_FALSE(nowhere->healthy());
  EXPECT_THROW(publish(*nowhere, bus::kScanRequested, "x"), UnavailableError);
  std::vector<Message> two{{bus::kScanRequested, "a", 1}, {bus::kScanRequested, "b", 1}};
  EXPECT_EQ(asio::co_spawn(io_, nowhere->publish_many(two), asio::use_future).get(), (std::vector<bool>{false, false}));
}

TEST_F(AmqpBusTest, PublishManyIsConfirmedMessageByMessageAndEachArrivesOnce) {
  wait_connected(*bus_);
  Seen seen;
  bus_->subscribe(bus::kScanQueue, [&](const Message& m) -> asio::awaitable<Outcome> {
    seen.add(m);
    co_return Outcome::ack;
  }, 64);
  std::vector<Message> batch;
  for (int i = 0; i < 2000; ++i) batch.push_back({bus::kScanRequested, std::to_string(i), 1});
  const auto taken = asio::co_spawn(io_, bus_->publish_many(batch), asio::use_future).get();
  EXPECT_EQ(taken, std::vector<bool>(2000, true));
  ASSERT_TRUE(eventually([&] { return seen.size() == 2000; }));
  std::this_thread::sleep_for(300ms);
  std::lock_guard l(seen.m);
  std::set<std::string> bodies;
  for (const auto& m : seen.messages) bodies.insert(m.body);
  EXPECT_EQ(bodies.size(), 2000u);
  EXPECT_EQ(seen.messages.size(), 2000u);
}

TEST_F(AmqpBusTest, WorksOverTlsWithTheBrokersCertificateVerified) {
  auto tls = make_bus(required_env("DOMAINSCAN_TEST_AMQPS_URL"), required_env("DOMAINSCAN_TEST_AMQPS_CA"));
  wait_connected(*tls);
  Seen seen;
  tls->subscribe(bus::kScanQueue, [&](const Message& m) -> asio::awaitable<Outcome> {
    seen.add(m);
    co_return Outcome::ack;
  }, 2);
  publish(*tls, bus::kScanRequested, "over tls");
  ASSERT_TRUE(eventually([&] { return seen.size() == 1; }));
  asio::co_spawn(io_, tls->stop(), asio::use_future).get();
}

TEST_F(AmqpBusTest, RefusesABrokerWhoseCertificateIsNotTrusted) {
  // The test CA is not among the system's trust anchors: the handshake must fail.
  auto untrusted = make_bus(required_env("DOMAINSCAN_TEST_AMQPS_URL"));
  std::this_thread::sleep_for(1s);
  EXPECT_FALSE(untrusted->healthy());
  EXPECT_THROW(publish(*untrusted, bus::kScanRequested, "x"), UnavailableError);
}

// rabbitmq-c says "SSL handshake failed" or "SSL peer cert verification failed"; the error
// also says why.
std::string connection_error(const std::string& url, std::optional<std::string> ca_file) {
  bus::amqp::ConnectionOptions options;
  options.ca_file = std::move(ca_file);
  try {
    bus::amqp::AmqpConnection c(bus::amqp::parse_amqp_url(url), options);
  } catch (const bus::amqp::AmqpError& e) {
    return e.what();
  }
  return "connected";
}

TEST_F(AmqpBusTest, AFailedTlsConnectionSaysWhyInOpenSslsWords) {
  const auto tls_url = required_env("DOMAINSCAN_TEST_AMQPS_URL");
  const auto untrusted = connection_error(tls_url, std::nullopt);
  EXPECT_THAT(untrusted, ::testing::HasSubstr(
                             "SSL peer cert verification failed (self-signed certificate in certificate chain "
                             "(depth 1, /CN=domainscan test CA))"));

  // The same name on the plain port: a broker that does not speak TLS there.
  const auto tls_host = bus::amqp::parse_amqp_url(tls_url).host;
  const auto plain_port = bus::amqp::parse_amqp_url(test_amqp_url()).port;
  const auto no_tls = connection_error(fmt::format("amqps://guest:guest@{}:{}/", tls_host, plain_port),
                                       required_env("DOMAINSCAN_TEST_AMQPS_CA"));
  EXPECT_THAT(no_tls, ::testing::HasSubstr("SSL handshake failed (wrong version number)"));

  // And with the right trust anchor it connects: the reasons above are not left over for it.
  EXPECT_EQ(connection_error(tls_url, required_env("DOMAINSCAN_TEST_AMQPS_CA")), "connected");
}

TEST_F(AmqpBusTest, ReconnectsByItselfWhenTheBrokerDropsEveryConnection) {
  wait_connected(*bus_);
  Seen seen;
  bus_->subscribe(bus::kScanQueue, [&](const Message& m) -> asio::awaitable<Outcome> {
    seen.add(m);
    co_return Outcome::ack;
  }, 4);
  publish(*bus_, bus::kScanRequested, "before");
  ASSERT_TRUE(eventually([&] { return seen.size() == 1; }));

  ASSERT_TRUE(rabbitmqctl("close_all_connections test"));
  // Publishing fails while the publisher is down and works again once it reconnected.
  ASSERT_TRUE(eventually([&] {
    try {
      publish(*bus_, bus::kScanRequested, "after");
      return true;
    } catch (const UnavailableError&) {
      return false;
    }
  }, 30s));
  ASSERT_TRUE(eventually([&] { return seen.size() >= 2; }, 30s));
  std::lock_guard l(seen.m);
  EXPECT_EQ(seen.messages.back().body, "after");
}

TEST_F(AmqpBusTest, AMessageStillHandledIsNotAcknowledgedWithTheOnesAfterIt) {
  // The consumer acknowledges what is done below the oldest delivery in hand with one frame
  // (DeliveryLedger). A delivery still being handled must stay unacknowledged, whatever came
  // after it: when the connection drops, the broker gives back that one, and only that one.
  wait_connected(*bus_);
  Seen seen;
  std::atomic<bool> release{false};
  bus_->subscribe(bus::kScanQueue, [&](const Message& m) -> asio::awaitable<Outcome> {
    seen.add(m);
    if (m.body == "slow") {
      asio::steady_timer timer(co_await asio::this_coro::executor);
      while (!release) {
        timer.expires_after(10ms);
        co_await timer.async_wait(asio::use_awaitable);
      }
    }
    co_return Outcome::ack;
  }, 32);
  publish(*bus_, bus::kScanRequested, "slow");
  for (int i = 0; i < 20; ++i) publish(*bus_, bus::kScanRequested, std::to_string(i));
  ASSERT_TRUE(eventually([&] { return seen.size() == 21; }));
  std::this_thread::sleep_for(500ms);  // the acks of the 20 are sent

  ASSERT_TRUE(rabbitmqctl("close_all_connections test"));
  release = true;
  const auto times_seen = [&](const std::string& body) {
    std::lock_guard l(seen.m);
    return std::count_if(seen.messages.begin(), seen.messages.end(), [&](const Message& m) { return m.body == body; });
  };
  ASSERT_TRUE(eventually([&] { return times_seen("slow") == 2; }, 30s)) << "the one in hand came back";
  std::this_thread::sleep_for(500ms);
  for (int i = 0; i < 20; ++i) EXPECT_EQ(times_seen(std::to_string(i)), 1) << "message " << i << " was acknowledged";
}

}  // namespace
}  // namespace domainscan::testing
