// Claims on scans and their leases, and the outbox sweep that takes over what a dead worker
// held, on SQLite and PostgreSQL alike (store/store.hpp: ClaimLease, claim_scans,
// renew_claims, take_unpublished_scans).
#include "store/store.hpp"
#include "support/store_fixture.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <thread>

namespace domainscan::store {
namespace {

using namespace std::chrono_literals;

class StoreClaimsTest : public testing::StoreOnEachBackend {
 protected:
  std::int64_t queued(const std::string& name) {
    return store_->add_domain(name, std::nullopt, ScanTrigger::api).scan_id;
  }
  // A lease that has run out by the time anyone looks again.
  void let_run_out(std::int64_t id, const std::string& owner) {
    ASSERT_TRUE(store_->claim_scan(id, ClaimLease{owner, 0ms}));
    std::this_thread::sleep_for(20ms);
  }
  static ClaimLease lease(const std::string& owner) { return ClaimLease{owner, 1h}; }
};

TEST_P(StoreClaimsTest, AScanAnotherWorkerHoldsIsNotClaimedAgain) {
  const auto id = queued("held.test");
  const auto first = store_->claim_scan(id, lease("worker-a"));
  ASSERT_TRUE(first);
  EXPECT_EQ(first->scan.status, ScanStatus::running);
  EXPECT_EQ(first->domain.name, "held.test");

  // A duplicate delivery to another worker: held, not scanned a second time.
  const auto answers = store_->claim_scans({id}, lease("worker-b"));
  ASSERT_EQ(answers.size(), 1u);
  EXPECT_FALSE(answers[0].claim);
  EXPECT_TRUE(answers[0].held);
  // Its owner may take it again (serve restarting under the same name).
  EXPECT_TRUE(store_->claim_scan(id, lease("worker-a")));
}

TEST_P(StoreClaimsTest, AScanWhoseLeaseRanOutIsClaimedByAnother) {
  const auto id = queued("expired.test");
  let_run_out(id, "worker-a");
  const auto taken = store_->claim_scan(id, lease("worker-b"));
  ASSERT_TRUE(taken);
  EXPECT_EQ(taken->scan.id, id);
  // And now it is worker-b's.
  EXPECT_TRUE(store_->claim_scans({id}, lease("worker-a"))[0].held);
}

TEST_P(StoreClaimsTest, RenewingKeepsTheScansOfItsOwnerOnly) {
  // (Renewal may be late by a moment, as here: the lease ran out, nobody took it meanwhile.)
  const auto mine = queued("mine.test");
  const auto theirs = queued("theirs.test");
  let_run_out(mine, "worker-a");
  let_run_out(theirs, "worker-c");
  EXPECT_EQ(store_->renew_claims({mine, theirs}, lease("worker-a")), 1u);
  EXPECT_TRUE(store_->claim_scans({mine}, lease("worker-b"))[0].held) << "renewed: still worker-a's";
  EXPECT_TRUE(store_->claim_scan(theirs, lease("worker-b"))) << "not renewed: free to take";
}

TEST_P(StoreClaimsTest, OneBatchAnswersEachScanOnItsOwn) {
  const auto fresh = queued("fresh.test");
  const auto other_fresh = queued("other.test");
  const auto held = queued("busy.test");
  ASSERT_TRUE(store_->claim_scan(held, lease("worker-a")));
  const auto finished = queued("done.test");
  ASSERT_TRUE(store_->claim_scan(finished, lease("worker-a")));
  ScanCompletion done;
  done.scan_id = finished;
  ASSERT_TRUE(store_->complete_scan(done));

  const auto answers =
      store_->claim_scans({fresh, held, finished, 999999, other_fresh, fresh}, lease("worker-b"));
  ASSERT_EQ(answers.size(), 6u);
  ASSERT_TRUE(answers[0].claim);
  EXPECT_EQ(answers[0].claim->domain.name, "fresh.test");
  EXPECT_EQ(answers[0].claim->scan.id, fresh);
  EXPECT_TRUE(answers[1].held);
  EXPECT_FALSE(answers[1].claim);
  EXPECT_FALSE(answers[2].claim);
  EXPECT_FALSE(answers[2].held) << "finished: nothing to do";
  EXPECT_FALSE(answers[3].claim);
  EXPECT_FALSE(answers[3].held) << "unknown: nothing to do";
  ASSERT_TRUE(answers[4].claim);
  EXPECT_EQ(answers[4].claim->domain.name, "other.test");
  EXPECT_FALSE(answers[5].claim) << "the same scan twice in one batch is claimed once";
  EXPECT_TRUE(answers[5].held);
}

TEST_P(StoreClaimsTest, ABatchBringsEachScanItsPreviousResultAndSentAlerts) {
  // Two domains with a completed scan each, and an expiry alert on one.
  std::vector<std::int64_t> second_scans;
  for (const std::string name : {"p1.test", "p2.test"}) {
    const auto first = queued(name);
    ASSERT_TRUE(store_->claim_scan(first, lease("w")));
    ScanCompletion c;
    c.scan_id = first;
    c.grade = name == "p1.test" ? "A" : "B";
    c.result_json = fmt::format(R"({{"checks":{{}},"findings":[],"name":"{}"}})", name);
    if (name == "p1.test") {
      NewEvent e;
      e.type = "certificate.expiring";
      e.data_json = "{}";
      e.once = ExpiryAlert{"certificate", "p1.test", 30};
      c.events.push_back(e);
    }
    ASSERT_TRUE(store_->complete_scan(c));
    second_scans.push_back(store_->queue_scan(name, ScanTrigger::api)->scan_id);
  }
  const auto answers = store_->claim_scans(second_scans, lease("w"));
  ASSERT_TRUE(answers[0].claim && answers[1].claim);
  ASSERT_TRUE(answers[0].claim->previous);
  EXPECT_EQ(answers[0].claim->previous->grade, "A");
  EXPECT_NE(answers[0].claim->previous->result_json.find("p1.test"), std::string::npos);
  ASSERT_TRUE(answers[1].claim->previous);
  EXPECT_EQ(answers[1].claim->previous->grade, "B");
  ASSERT_EQ(answers[0].claim->sent_alerts.size(), 1u);
  EXPECT_EQ(answers[0].claim->sent_alerts[0].threshold, 30);
  EXPECT_TRUE(answers[1].claim->sent_alerts.empty());
}

TEST_P(StoreClaimsTest, TheSweeperTakesOverScansWhoseLeaseRanOut) {
  const auto live = queued("live.test");
  ASSERT_TRUE(store_->claim_scan(live, lease("worker-a")));
  const auto dead = queued("dead.test");
  let_run_out(dead, "worker-dead");
  store_->mark_published({live, dead});

  const auto swept = store_->take_unpublished_scans(0ms, 100);
  ASSERT_EQ(swept.size(), 1u) << "only the scan whose worker stopped renewing";
  EXPECT_EQ(swept[0].scan_id, dead);
  EXPECT_EQ(swept[0].domain, "dead.test");
}

TEST_P(StoreClaimsTest, ARowOneSweeperTookIsNotTakenByAnotherForMinAge) {
  const auto a = queued("s1.test");
  const auto b = queued("s2.test");
  std::this_thread::sleep_for(20ms);
  // Two processes sweeping the same table (the api and the scheduler): each row once.
  auto other = open_store(db_->url(), 1);
  const auto first = store_->take_unpublished_scans(10ms, 100);
  const auto second = other->take_unpublished_scans(10ms, 100);
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(first[0].scan_id, a);
  EXPECT_EQ(first[1].scan_id, b);
  EXPECT_TRUE(second.empty());
  // Still unconfirmed after min_age (the publish failed): taken again.
  std::this_thread::sleep_for(30ms);
  EXPECT_EQ(other->take_unpublished_scans(10ms, 100).size(), 2u);
}

DOMAINSCAN_ON_EVERY_BACKEND(StoreClaimsTest);

}  // namespace
}  // namespace domainscan::store
