// The API's single POSTs and rescans publish their scan requests after the answer
// (outbox/background_publisher.hpp): the caller goes on while the broker has not confirmed,
// the publish and its recorded confirm follow, at most a bound of them at a time (beyond,
// a caller waits for its own), a failed one is left to the sweeper, and shutdown can wait
// for them all, up to a deadline.
#include "bus/bus.hpp"
#include "core/errors.hpp"
#include "core/one_shot_event.hpp"
#include "outbox/background_publisher.hpp"
#include "outbox/scan_publisher.hpp"
#include "store/store.hpp"
#include "support/backends.hpp"

#include <boost/asio/io_context.hpp>
#include <fmt/format.h>
#include <gtest/gtest.h>

namespace domainscan {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

// A broker that confirms nothing until the test opens its gate; then takes every message,
// or refuses them all (refuse).
class GatedBus final : public bus::Bus {
 public:
  explicit GatedBus(const asio::any_io_executor& executor) : gate(executor) {}

  asio::awaitable<void> publish(std::string, std::string) override {
    co_await gate.wait();
    if (refuse) throw UnavailableError("the broker is away (test)");
    ++taken;
  }
  asio::awaitable<std::vector<bool>> publish_many(std::vector<bus::Message> messages) override {
    co_await gate.wait();
    if (refuse) throw UnavailableError("the broker is away (test)");
    taken += static_cast<int>(messages.size());
    co_return std::vector<bool>(messages.size(), true);
  }
  void subscribe(std::string, bus::Handler, std::size_t) override {}
  asio::awaitable<void> stop() override { co_return; }
  bool healthy() const override { return true; }
  long depth(const std::string&) const override { return 0; }

  OneShotEvent gate;
  bool refuse = false;
  int taken = 0;
};

class BackgroundPublisherTest : public ::testing::Test {
 protected:
  std::vector<store::ScanRef> queued_scans(int n) {
    std::vector<store::ScanRef> scans;
    for (int i = 0; i < n; ++i) {
      const auto name = fmt::format("s{}.test", i);
      scans.push_back({store_->add_domain(name, std::nullopt, store::ScanTrigger::api).scan_id, name,
                       store::ScanTrigger::api});
    }
    return scans;
  }
  // Runs the coroutine on io_ until it ends (true) or `limit` passes. (run_to_completion
  // would run on for the whole limit while a held publish keeps io_ busy.)
  bool run_until_done(asio::awaitable<void> work, std::chrono::milliseconds limit) {
    bool done = false;
    io_.restart();
    asio::co_spawn(io_, std::move(work), [&](std::exception_ptr e) {
      if (e) std::rethrow_exception(e);
      done = true;
    });
    for (const auto until = std::chrono::steady_clock::now() + limit; !done && std::chrono::steady_clock::now() < until;) {
      io_.run_for(5ms);
    }
    return done;
  }
  // Scans with no confirm recorded (what the sweeper would publish again).
  std::size_t unconfirmed() { return store_->take_unpublished_scans(0ms, 100).size(); }
  bool drain(outbox::BackgroundPublisher& publisher, std::chrono::milliseconds within) {
    bool drained = false;
    auto drain_and_keep = [&]() -> asio::awaitable<void> {
      drained = co_await publisher.drain(std::chrono::steady_clock::now() + within);
    };
    return run_until_done(drain_and_keep(), 5s) && drained;
  }

  asio::io_context io_;  // first: it outlives what runs on it
  testing::FreshDatabase db_{testing::Backend::sqlite};
  std::unique_ptr<store::Store> store_ = store::open_store(db_.url(), 2);
  BlockingPool pool_{2};
  GatedBus bus_{io_.get_executor()};
  outbox::ScanPublisher scans_{io_.get_executor(), *store_, pool_, bus_};
};

TEST_F(BackgroundPublisherTest, TheCallerGoesOnBeforeTheBrokerConfirmsAndThePublishFollows) {
  outbox::BackgroundPublisher publisher(io_.get_executor(), scans_, 8);
  const auto scans = queued_scans(3);
  const bool handed = run_until_done(
      [&]() -> asio::awaitable<void> {
        for (const auto& scan : scans) co_await publisher.hand_off(scan);
      }(),
      2s);
  ASSERT_TRUE(handed) << "hand_off waited for the broker";
  EXPECT_EQ(publisher.in_flight(), 3u);
  EXPECT_EQ(bus_.taken, 0);

  bus_.gate.set();
  EXPECT_TRUE(drain(publisher, 2s));
  EXPECT_EQ(publisher.in_flight(), 0u);
  EXPECT_EQ(bus_.taken, 3);
  EXPECT_EQ(unconfirmed(), 0u) << "each confirm is recorded";
  EXPECT_EQ(publisher.waited(), 0u);
}

TEST_F(BackgroundPublisherTest, WithTheBoundReachedTheNextCallerWaitsForItsOwnPublish) {
  outbox::BackgroundPublisher publisher(io_.get_executor(), scans_, 2);
  const auto scans = queued_scans(3);
  bool two_handed = false;
  bool third_handed = false;
  // Named: the coroutine reads its captures through the lambda, which must outlive it.
  auto three_hand_offs = [&]() -> asio::awaitable<void> {
    co_await publisher.hand_off(scans[0]);
    co_await publisher.hand_off(scans[1]);
    two_handed = true;
    co_await publisher.hand_off(scans[2]);
    third_handed = true;
  };
  io_.restart();
  asio::co_spawn(io_, three_hand_offs(), asio::detached);
  io_.run_for(300ms);
  EXPECT_TRUE(two_handed);
  EXPECT_FALSE(third_handed) << "the third went on with two publishes under way and a bound of two";
  EXPECT_EQ(publisher.in_flight(), 3u);
  EXPECT_EQ(publisher.waited(), 1u);

  bus_.gate.set();
  EXPECT_TRUE(drain(publisher, 2s));
  EXPECT_TRUE(third_handed);
  EXPECT_EQ(bus_.taken, 3);
  EXPECT_EQ(unconfirmed(), 0u);
}

TEST_F(BackgroundPublisherTest, APublishTheBrokerRefusesIsLeftToTheSweeper) {
  outbox::BackgroundPublisher publisher(io_.get_executor(), scans_, 8);
  const auto scans = queued_scans(2);
  bus_.refuse = true;
  bus_.gate.set();
  ASSERT_TRUE(run_until_done(
      [&]() -> asio::awaitable<void> {
        for (const auto& scan : scans) co_await publisher.hand_off(scan);
      }(),
      2s));
  EXPECT_TRUE(drain(publisher, 2s));
  EXPECT_EQ(publisher.in_flight(), 0u);
  EXPECT_EQ(bus_.taken, 0);
  EXPECT_EQ(unconfirmed(), 2u) << "both still queued with no confirm: the sweeper publishes them";
}

TEST_F(BackgroundPublisherTest, DrainingGivesUpAtItsDeadline) {
  outbox::BackgroundPublisher publisher(io_.get_executor(), scans_, 8);
  const auto scans = queued_scans(1);
  ASSERT_TRUE(run_until_done(publisher.hand_off(scans[0]), 2s));
  EXPECT_FALSE(drain(publisher, 100ms));
  EXPECT_EQ(publisher.in_flight(), 1u);
  bus_.gate.set();  // and then it finishes
  EXPECT_TRUE(drain(publisher, 2s));
  EXPECT_EQ(bus_.taken, 1);
}

}  // namespace
}  // namespace domainscan
