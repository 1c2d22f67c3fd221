// What the API's single POSTs share when they arrive together, on SQLite and PostgreSQL:
// their adds are stored in one transaction (api/add_batcher.hpp), their scan requests
// published in one go with the confirms recorded in one database call
// (outbox/scan_publisher.hpp); each caller still gets its own answer.
#include "api/add_batcher.hpp"
#include "outbox/scan_publisher.hpp"
#include "store/store.hpp"
#include "support/backends.hpp"
#include "support/run_to_completion.hpp"

#include <boost/asio/io_context.hpp>
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <atomic>

namespace domainscan {
namespace {

namespace asio = boost::asio;
using testing::Backend;

// A bus that takes every message but those whose body names a domain starting "refused",
// and counts the calls it gets.
class CountingBus final : public bus::Bus {
 public:
  asio::awaitable<void> publish(std::string, std::string body) override {
    ++publishes;
    if (body.find("\"refused") != std::string::npos) throw UnavailableError("refused for the test");
    co_return;
  }
  asio::awaitable<std::vector<bool>> publish_many(std::vector<bus::Message> messages) override {
    ++batches;
    std::vector<bool> taken;
    for (auto& m : messages) {
      // (Not a co_await, so no temporaries inside one: see outbox::publish_scan.)
      taken.push_back(m.body.find("\"refused") == std::string::npos);
      ++publishes;
    }
    co_return taken;
  }
  void subscribe(std::string, bus::Handler, std::size_t) override {}
  asio::awaitable<void> stop() override { co_return; }
  bool healthy() const override { return true; }
  long depth(const std::string&) const override { return 0; }

  std::atomic<int> publishes{0};
  std::atomic<int> batches{0};
};

class SinglePostBatchingTest : public ::testing::TestWithParam<Backend> {
 protected:
  SinglePostBatchingTest() : db_(GetParam()), store_(store::open_store(db_.url(), 2)) {}

  // Starts every call at once on one thread and runs them all; returns each answer.
  template <typename Answer, typename Start>
  std::vector<Answer> all_at_once(std::size_t n, Start start) {
    std::vector<Answer> answers;
    for (auto& e : testing::run_all_at_once<Answer>(io_, n, start)) {
      if (e.error) std::rethrow_exception(e.error);
      answers.push_back(std::move(e.answer));
    }
    return answers;
  }

  testing::FreshDatabase db_;
  std::unique_ptr<store::Store> store_;
  asio::io_context io_;
  BlockingPool pool_{2};
};

TEST_P(SinglePostBatchingTest, AddsThatArriveTogetherAreStoredInOneTransactionEachWithItsAnswer) {
  store_->add_domain("known.test", std::nullopt, store::ScanTrigger::api);
  api::AddBatcher adds(io_.get_executor(), *store_, pool_);
  // 30 new names, one of them asked for twice, and a known one.
  std::vector<std::string> names;
  for (int i = 0; i < 30; ++i) names.push_back(fmt::format("n{}.test", i));
  names.push_back("n7.test");
  names.push_back("known.test");
  const auto answers = all_at_once<store::AddDomainResult>(names.size(), [&](std::size_t i) {
    return adds.add(store::AddDomainRequest{names[i], std::nullopt, store::ScanTrigger::api});
  });
  for (std::size_t i = 0; i < 30; ++i) {
    EXPECT_TRUE(answers[i].created) << names[i];
    EXPECT_EQ(answers[i].domain.name, names[i]);
    EXPECT_EQ(store_->find_domain(names[i])->last_scan->id, answers[i].scan_id) << names[i];
  }
  EXPECT_FALSE(answers[30].created);
  EXPECT_EQ(answers[30].scan_id, answers[7].scan_id);
  EXPECT_FALSE(answers[31].created);
  // Batched: a batch takes what waits when it starts (how the first ones fall depends on
  // the order the coroutines start in), so a few batches, not one each.
  EXPECT_EQ(adds.answered(), names.size());
  EXPECT_LE(adds.batches(), 4u);
}

TEST_P(SinglePostBatchingTest, PublishesThatArriveTogetherGoInOneBatchAndTheirConfirmsAreRecorded) {
  CountingBus bus;
  outbox::ScanPublisher publisher(io_.get_executor(), *store_, pool_, bus);
  std::vector<store::ScanRef> scans;
  for (int i = 0; i < 20; ++i) {
    const auto name = fmt::format("{}{}.test", i == 5 ? "refused" : "p", i);
    scans.push_back({store_->add_domain(name, std::nullopt, store::ScanTrigger::api).scan_id, name,
                     store::ScanTrigger::api});
  }
  const auto published = all_at_once<bool>(scans.size(), [&](std::size_t i) { return publisher.publish(scans[i]); });
  for (std::size_t i = 0; i < scans.size(); ++i) EXPECT_EQ(published[i], i != 5) << scans[i].domain;
  EXPECT_LE(bus.batches.load(), 4);  // a few batches, not one each (see above)
  EXPECT_EQ(bus.publishes.load(), 20);
  // Every confirm recorded but the refused one's, which the sweeper takes.
  const auto unpublished = store_->take_unpublished_scans(std::chrono::milliseconds(0), 100);
  ASSERT_EQ(unpublished.size(), 1u);
  EXPECT_EQ(unpublished[0].scan_id, scans[5].scan_id);
}

INSTANTIATE_TEST_SUITE_P(Backends, SinglePostBatchingTest, ::testing::Values(Backend::sqlite, Backend::postgres),
                         [](const auto& info) { return testing::backend_name(info.param); });

}  // namespace
}  // namespace domainscan
