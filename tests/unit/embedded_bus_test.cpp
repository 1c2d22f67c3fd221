// The in-process bus: routing, the in-flight bound, retries, dead letters, stop.
#include "bus/embedded/embedded_bus.hpp"
#include "bus/topology.hpp"
#include "core/errors.hpp"
#include "support/eventually.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace domainscan::bus::embedded {
namespace {

using domainscan::testing::eventually;

namespace asio = boost::asio;
using namespace std::chrono_literals;

// A bus on its own io_context with two threads, as in `serve`.
class EmbeddedBusTest : public ::testing::Test {
 protected:
  EmbeddedBusTest() : work_(asio::make_work_guard(io_)) {
    for (int i = 0; i < 2; ++i) threads_.emplace_back([this] { io_.run(); });
  }
  ~EmbeddedBusTest() override {
    work_.reset();
    io_.stop();
    for (auto& t : threads_) t.join();
  }

  void publish(const std::string& key, const std::string& body) {
    asio::co_spawn(io_, bus_.publish(key, body), asio::use_future).get();
  }

  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  EmbeddedBus bus_{io_.get_executor(), 10ms};
  std::vector<std::thread> threads_;
};

asio::awaitable<void> sleep_for(std::chrono::milliseconds d) {
  asio::steady_timer t(co_await asio::this_coro::executor, d);
  co_await t.async_wait(asio::use_awaitable);
}

TEST_F(EmbeddedBusTest, DeliversEachMessageToTheQueueItsKeyIsBoundTo) {
  std::mutex m;
  std::vector<std::string> scans, schedules;
  bus_.subscribe(kScanQueue, [&](const Message& msg) -> asio::awaitable<Outcome> {
    std::lock_guard l(m);
    scans.push_back(msg.body);
    co_return Outcome::ack;
  }, 4);
  bus_.subscribe(kScheduleQueue, [&](const Message& msg) -> asio::awaitable<Outcome> {
    std::lock_guard l(m);
    schedules.push_back(msg.body);
    co_return Outcome::ack;
  }, 4);
  publish(kScanRequested, "s1");
  publish(kScheduleRequested, "p1");
  publish(kScanCompleted, "event");  // no queue of ours is bound to it
  publish(kScanRequested, "s2");
  ASSERT_TRUE(eventually([&] { std::lock_guard l(m); return scans.size() == 2 && schedules.size() == 1; }));
  std::lock_guard l(m);
  std::sort(scans.begin(), scans.end());
  EXPECT_EQ(scans, (std::vector<std::string>{"s1", "s2"}));
  EXPECT_EQ(schedules, std::vector<std::string>{"p1"});
}

TEST_F(EmbeddedBusTest, NeverMoreInFlightThanTheBound) {
  std::atomic<int> in_flight{0}, most{0}, done{0};
  bus_.subscribe(kScanQueue, [&](const Message&) -> asio::awaitable<Outcome> {
    const int now = ++in_flight;
    int seen = most.load();
    while (now > seen && !most.compare_exchange_weak(seen, now)) {}
    co_await sleep_for(5ms);
    --in_flight;
    ++done;
    co_return Outcome::ack;
  }, 3);
  for (int i = 0; i < 30; ++i) publish(kScanRequested, std::to_string(i));
  ASSERT_TRUE(eventually([&] { return done == 30; }));
  EXPECT_EQ(most.load(), 3);
  EXPECT_EQ(bus_.depth(kScanQueue), 0);
}

TEST_F(EmbeddedBusTest, RetriedMessagesComeBackWithTheAttemptCounted) {
  std::mutex m;
  std::vector<int> attempts;
  bus_.subscribe(kScanQueue, [&](const Message& msg) -> asio::awaitable<Outcome> {
    std::lock_guard l(m);
    attempts.push_back(msg.attempt);
    co_return msg.attempt < 3 ? Outcome::retry : Outcome::ack;
  }, 1);
  publish(kScanRequested, "flaky");
  ASSERT_TRUE(eventually([&] { std::lock_guard l(m); return attempts.size() == 3; }));
  std::this_thread::sleep_for(100ms);  // and no fourth delivery after the ack
  std::lock_guard l(m);
  EXPECT_EQ(attempts, (std::vector<int>{1, 2, 3}));
  EXPECT_TRUE(bus_.dead_messages().empty());
}

TEST_F(EmbeddedBusTest, AMessageThatKeepsFailingIsDeadLetteredAfterTheLastAttempt) {
  std::atomic<int> deliveries{0};
  bus_.subscribe(kScanQueue, [&](const Message&) -> asio::awaitable<Outcome> {
    ++deliveries;
    throw std::runtime_error("database down");  // a throwing handler counts as retry
    co_return Outcome::ack;
  }, 1);
  publish(kScanRequested, "doomed");
  ASSERT_TRUE(eventually([&] { return bus_.dead_messages().size() == 1; }));
  EXPECT_EQ(deliveries.load(), kMaxDeliveryAttempts);
  EXPECT_EQ(bus_.dead_messages().front().body, "doomed");
}

TEST_F(EmbeddedBusTest, DeadLetterOutcomeSkipsTheRetries) {
  std::atomic<int> deliveries{0};
  bus_.subscribe(kScanQueue, [&](const Message&) -> asio::awaitable<Outcome> {
    ++deliveries;
    co_return Outcome::dead_letter;
  }, 1);
  publish(kScanRequested, "malformed");
  ASSERT_TRUE(eventually([&] { return bus_.dead_messages().size() == 1; }));
  EXPECT_EQ(deliveries.load(), 1);
}

TEST_F(EmbeddedBusTest, StopWaitsForHandlersInFlightAndDeliversNothingNew) {
  std::atomic<int> started{0}, finished{0};
  bus_.subscribe(kScanQueue, [&](const Message&) -> asio::awaitable<Outcome> {
    ++started;
    co_await sleep_for(200ms);
    ++finished;
    co_return Outcome::ack;
  }, 2);
  for (int i = 0; i < 5; ++i) publish(kScanRequested, std::to_string(i));
  ASSERT_TRUE(eventually([&] { return started == 2; }));
  asio::co_spawn(io_, bus_.stop(), asio::use_future).get();
  EXPECT_EQ(finished.load(), 2);  // stop() returned only after both finished
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(started.load(), 2);
  EXPECT_EQ(bus_.depth(kScanQueue), 3);  // the rest stay queued
}

TEST_F(EmbeddedBusTest, AFullQueueRefusesPublishing) {
  // No subscriber, so nothing drains the queue.
  for (std::size_t i = 0; i < kMaxQueuedMessages; ++i) {
    asio::co_spawn(io_, bus_.publish(kScanRequested, "x"), asio::use_future).get();
  }
  EXPECT_THROW(publish(kScanRequested, "one too many"), UnavailableError);
  EXPECT_EQ(bus_.depth(kScanQueue), static_cast<long>(kMaxQueuedMessages));
  // Publishing many says which were taken: none, and it stops trying after the first.
  std::vector<Message> two{{kScanRequested, "a", 1}, {kScanRequested, "b", 1}};
  EXPECT_EQ(asio::co_spawn(io_, bus_.publish_many(two), asio::use_future).get(), (std::vector<bool>{false, false}));
}

TEST_F(EmbeddedBusTest, PublishManyQueuesEachInOrder) {
  std::vector<Message> batch{{kScanRequested, "1", 1}, {kScheduleRequested, "2", 1}, {kScanRequested, "3", 1}};
  EXPECT_EQ(asio::co_spawn(io_, bus_.publish_many(batch), asio::use_future).get(), (std::vector<bool>{true, true, true}));
  EXPECT_EQ(bus_.depth(kScanQueue), 2);
  EXPECT_EQ(bus_.depth(kScheduleQueue), 1);
}

}  // namespace
}  // namespace domainscan::bus::embedded
