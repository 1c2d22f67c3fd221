// The worker's completion batcher on SQLite and PostgreSQL: completions that arrive while a
// batch is being written go together in the next, each caller gets its own answer, and one
// result the database refuses fails alone.
#include "store/store.hpp"
#include "support/backends.hpp"
#include "support/run_to_completion.hpp"
#include "worker/completion_batcher.hpp"

#include <boost/asio/io_context.hpp>
#include <fmt/format.h>
#include <gtest/gtest.h>

namespace domainscan::worker {
namespace {

namespace asio = boost::asio;
using testing::Backend;

class CompletionBatcherTest : public ::testing::TestWithParam<Backend> {
 protected:
  CompletionBatcherTest() : db_(GetParam()), store_(store::open_store(db_.url(), 2)) {}

  // n domains, each with its scan claimed (running).
  std::vector<std::int64_t> running_scans(int n) {
    std::vector<std::int64_t> ids;
    for (int i = 0; i < n; ++i) {
      const auto added = store_->add_domain(fmt::format("b{}.test", i), std::nullopt, store::ScanTrigger::api);
      EXPECT_TRUE(store_->claim_scan(added.scan_id));
      ids.push_back(added.scan_id);
    }
    return ids;
  }
  static store::ScanCompletion completion(std::int64_t id, std::string result = R"({"checks":{},"findings":[]})") {
    store::ScanCompletion c;
    c.scan_id = id;
    c.grade = "A";
    c.score = 100;
    c.result_json = std::move(result);
    return c;
  }

  // Starts one complete() per completion at once on one thread, runs them all, and returns
  // each answer (or the error's message).
  std::vector<std::string> complete_all(CompletionBatcher& batcher, std::vector<store::ScanCompletion> completions) {
    const auto ended = testing::run_all_at_once<bool>(
        io_, completions.size(), [&](std::size_t i) { return batcher.complete(std::move(completions[i])); });
    std::vector<std::string> answers;
    for (const auto& e : ended) {
      if (!e.error) {
        answers.emplace_back(e.answer ? "stored" : "not running");
        continue;
      }
      try {
        std::rethrow_exception(e.error);
      } catch (const std::exception& error) {
        answers.push_back(std::string("error: ") + error.what());
      }
    }
    return answers;
  }

  testing::FreshDatabase db_;
  std::unique_ptr<store::Store> store_;
  asio::io_context io_;
  BlockingPool pool_{2};
};

TEST_P(CompletionBatcherTest, CompletionsThatArriveTogetherAreWrittenInOneBatch) {
  const auto ids = running_scans(40);
  CompletionBatcher batcher(io_.get_executor(), *store_, pool_);
  std::vector<store::ScanCompletion> completions;
  for (const auto id : ids) completions.push_back(completion(id));
  // And one for a scan that is not running (finished already): told apart.
  completions.push_back(completion(ids.front()));
  const auto answers = complete_all(batcher, std::move(completions));
  for (std::size_t i = 0; i < ids.size(); ++i) EXPECT_EQ(answers[i], "stored") << i;
  EXPECT_EQ(answers.back(), "not running");
  // Written in a few transactions, not one each (how they split depends on when the first
  // batch starts, which is the point: nothing waits to fill a batch).
  EXPECT_EQ(batcher.answered(), 41u);
  EXPECT_LE(batcher.batches(), 4u);
  for (const auto id : ids) EXPECT_EQ(store_->find_scan(id)->status, store::ScanStatus::completed);
}

TEST_P(CompletionBatcherTest, OneResultTheDatabaseRefusesFailsAloneAndTheOthersAreStored) {
  if (GetParam() != Backend::postgres) GTEST_SKIP() << "SQLite stores any text as a result";
  const auto ids = running_scans(3);
  CompletionBatcher batcher(io_.get_executor(), *store_, pool_);
  const auto answers = complete_all(batcher, {completion(ids[0]), completion(ids[1], "{not json"), completion(ids[2])});
  EXPECT_EQ(answers[0], "stored");
  EXPECT_EQ(answers[1].rfind("error: ", 0), 0u) << answers[1];
  EXPECT_EQ(answers[2], "stored");
  EXPECT_EQ(store_->find_scan(ids[0])->status, store::ScanStatus::completed);
  EXPECT_EQ(store_->find_scan(ids[1])->status, store::ScanStatus::running);
  EXPECT_EQ(store_->find_scan(ids[2])->status, store::ScanStatus::completed);
}

INSTANTIATE_TEST_SUITE_P(Backends, CompletionBatcherTest, ::testing::Values(Backend::sqlite, Backend::postgres),
                         [](const auto& info) { return testing::backend_name(info.param); });

}  // namespace
}  // namespace domainscan::worker
