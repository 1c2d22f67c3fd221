// Retention (--keep-scans) on SQLite and PostgreSQL alike: Store::prune_scans deletes the
// finished scans a ScanRetention does not keep, a batch of domains at a time, and the
// scheduler's ScanPruner walks every domain that way.
#include "core/blocking_pool.hpp"
#include "scheduler/scan_pruner.hpp"
#include "store/store.hpp"
#include "support/run_to_completion.hpp"
#include "support/store_fixture.hpp"
#include "support/store_helpers.hpp"

#include <gtest/gtest.h>

namespace domainscan::store {
namespace {

using namespace std::chrono_literals;

class StoreRetentionTest : public testing::StoreOnEachBackend {
 protected:
  // `n` finished scans of `name`, oldest first; returns their ids.
  std::vector<std::int64_t> finished_scans(const std::string& name, int n) {
    std::vector<std::int64_t> ids;
    for (int i = 0; i < n; ++i) ids.push_back(testing::scan_with_events(*store_, name, {}));
    return ids;
  }
  std::vector<std::int64_t> kept(const std::string& name) {
    std::vector<std::int64_t> ids;
    for (const auto& s : store_->list_scans(name, 1000)) ids.push_back(s.id);
    std::reverse(ids.begin(), ids.end());
    return ids;
  }
  // One step over every domain at once.
  PruneStep prune(const ScanRetention& retention, TimePoint now) { return store_->prune_scans(retention, 0, 1000, now); }
};

TEST_P(StoreRetentionTest, OldScansGoButTheNewestTenStay) {
  const auto ids = finished_scans("old.test", 15);
  const ScanRetention by_age{std::chrono::hours(24 * 90), std::nullopt, 10};
  // Today nothing is 90 days old.
  EXPECT_EQ(prune(by_age, now_ms()).deleted, 0u);
  EXPECT_EQ(kept("old.test").size(), 15u);
  // A hundred days on, all are: the newest ten stay whatever their age.
  const auto later = now_ms() + std::chrono::hours(24 * 100);
  const auto step = prune(by_age, later);
  EXPECT_EQ(step.deleted, 5u);
  EXPECT_EQ(kept("old.test"), std::vector<std::int64_t>(ids.begin() + 5, ids.end()));
  EXPECT_TRUE(store_->find_domain("old.test")->last_scan);
  EXPECT_EQ(prune(by_age, later).deleted, 0u);
}

TEST_P(StoreRetentionTest, ACountKeepsTheNewestAndUnfinishedScansAlwaysStay) {
  const auto ids = finished_scans("many.test", 6);
  const auto queued = store_->queue_scan("many.test", ScanTrigger::rescan);
  ASSERT_TRUE(queued && queued->created);
  const ScanRetention by_count{std::nullopt, 3, 10};
  EXPECT_EQ(prune(by_count, now_ms()).deleted, 4u);
  // The queued scan counts among the newest three, and is never pruned itself.
  EXPECT_EQ(kept("many.test"), (std::vector<std::int64_t>{ids[4], ids[5], queued->scan_id}));
  ASSERT_TRUE(store_->claim_scan(queued->scan_id));
  EXPECT_EQ(prune(ScanRetention{std::nullopt, 1, 10}, now_ms()).deleted, 2u);
  EXPECT_EQ(kept("many.test"), std::vector<std::int64_t>{queued->scan_id});
}

TEST_P(StoreRetentionTest, KeepingEverythingDeletesNothing) {
  finished_scans("all.test", 12);
  const auto step = prune(ScanRetention{}, now_ms() + std::chrono::hours(24 * 1000));
  EXPECT_EQ(step.deleted, 0u);
  EXPECT_FALSE(step.next_after);
  EXPECT_EQ(kept("all.test").size(), 12u);
}

TEST_P(StoreRetentionTest, StepsWalkTheDomainsInBatches) {
  for (const auto* name : {"a.test", "b.test", "c.test"}) finished_scans(name, 3);
  const ScanRetention one{std::nullopt, 1, 10};
  std::int64_t after = 0;
  std::size_t steps = 0, deleted = 0;
  while (true) {
    const auto step = store_->prune_scans(one, after, 2, now_ms());
    deleted += step.deleted;
    if (!step.next_after) break;
    EXPECT_GT(*step.next_after, after);
    after = *step.next_after;
    ++steps;
  }
  EXPECT_EQ(steps, 2u);  // two domains, then one, then none left
  EXPECT_EQ(deleted, 6u);
  for (const auto* name : {"a.test", "b.test", "c.test"}) EXPECT_EQ(kept(name).size(), 1u) << name;
}

// The scheduler's pruner: a whole pass over the domains, in paced steps.
TEST_P(StoreRetentionTest, ThePrunerPassesOverEveryDomain) {
  for (const auto* name : {"p1.test", "p2.test", "p3.test"}) finished_scans(name, 4);
  boost::asio::io_context io;
  BlockingPool pool(2);
  scheduler::PrunerOptions options;
  options.retention = ScanRetention{std::nullopt, 2, 10};
  options.batch = 1;
  options.pause = 1ms;
  scheduler::ScanPruner pruner(io.get_executor(), *store_, pool, options);
  const auto deleted = testing::run_to_completion(io, pruner.pass(), 30s);
  ASSERT_TRUE(deleted);
  EXPECT_EQ(*deleted, 6u);
  EXPECT_EQ(pruner.pruned(), 6);
  EXPECT_EQ(pruner.passes(), 1);
  for (const auto* name : {"p1.test", "p2.test", "p3.test"}) EXPECT_EQ(kept(name).size(), 2u) << name;
}

DOMAINSCAN_ON_EVERY_BACKEND(StoreRetentionTest);

}  // namespace
}  // namespace domainscan::store
