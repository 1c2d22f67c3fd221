// Claims on scans and their leases, and the outbox sweep that takes over what a dead worker
// held, on SQLite and PostgreSQL alike (store/store.hpp: ClaimLease, claim_scans,
// renew_claims, take_unpublished_scans).
#include "store/store.hpp"
#include "support/store_fixture.hpp"
#include "support/store_helpers.hpp"

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
  bool confirm_recorded(std::int64_t id) { return testing::confirm_recorded(db_->url(), id); }
};

TEST_P(StoreClaimsTest, AConfirmIsRecordedOnAQueuedScanOnly) {
  const auto waiting = queued("waiting.test");
  const auto taken = queued("taken.test");
  ASSERT_TRUE(store_->claim_scan(taken, lease("worker-a")));
  // The worker claimed it before the broker's confirm reached the API: no longer queued, so
  // the sweeper would not take it for a lost publish, and the row is not written again.
  store_->mark_published({waiting, taken});
  EXPECT_TRUE(confirm_recorded(waiting));
  EXPECT_FALSE(confirm_recorded(taken));
}

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

// A batch of completions is stored as if one after the other (Store::complete_scans; the
// PostgreSQL store writes all the scans' rows in one statement and all the domains' in
// another): each answers for itself, a scan given twice is stored once, a domain ends as its
// last scan leaves it, and events land on their own domain.
TEST_P(StoreClaimsTest, ABatchOfCompletionsIsStoredAsOneAfterTheOther) {
  const auto a = queued("batch-a.test");
  ASSERT_TRUE(store_->claim_scan(a, lease("w")));
  const auto b1 = queued("batch-b.test");
  ASSERT_TRUE(store_->claim_scan(b1, lease("w")));
  const auto b2 = store_->queue_scan("batch-b.test", ScanTrigger::rescan)->scan_id;  // b's second, while b1 runs
  ASSERT_TRUE(store_->claim_scan(b2, lease("w")));
  const auto idle = queued("batch-idle.test");  // never claimed: not running

  ScanCompletion ca;
  ca.scan_id = a;
  ca.grade = "B";
  ca.score = 80;
  ca.result_json = R"({"checks":{},"findings":[],"quote":"a \"quoted\" \\ text, {braces}"})";
  ca.events = {NewEvent{"certificate.expiring", std::nullopt, R"({"days_left":6})",
                        ExpiryAlert{"certificate", "2026-12-05T12:00:00Z", 7}}};
  ca.alerts = {ExpiryAlert{"certificate", "2026-12-05T12:00:00Z", 14}};
  ScanCompletion cb1;
  cb1.scan_id = b1;
  cb1.status = ScanStatus::failed;
  cb1.error = "timeout";
  cb1.domain_status = DomainStatus::ok;
  cb1.consecutive_failures = 2;
  ScanCompletion cb2 = cb1;
  cb2.scan_id = b2;
  cb2.domain_status = DomainStatus::bad;
  cb2.bad_reason = "unreachable";
  cb2.consecutive_failures = 3;
  ScanCompletion again = ca;  // the same scan a second time in the batch
  again.grade = "F";
  ScanCompletion not_running;
  not_running.scan_id = idle;

  const auto stored = store_->complete_scans({ca, cb1, again, cb2, not_running});
  EXPECT_EQ(stored, (std::vector<bool>{true, true, false, true, false}));

  const auto scan_a = store_->find_scan(a);
  EXPECT_EQ(scan_a->status, ScanStatus::completed);
  EXPECT_EQ(scan_a->grade, "B") << "the first of a repeated scan is the one stored";
  EXPECT_EQ(scan_a->score, 80);
  EXPECT_FALSE(scan_a->error);
  EXPECT_NE(scan_a->result_json.find(R"(a \"quoted\" \\ text, {braces})"), std::string::npos) << scan_a->result_json;
  const auto scan_b1 = store_->find_scan(b1);
  EXPECT_EQ(scan_b1->status, ScanStatus::failed);
  EXPECT_EQ(scan_b1->error, "timeout");
  EXPECT_FALSE(scan_b1->grade);
  EXPECT_FALSE(scan_b1->score);
  EXPECT_EQ(store_->find_scan(idle)->status, ScanStatus::queued);

  const auto domain_b = store_->find_domain("batch-b.test");
  EXPECT_EQ(domain_b->status, DomainStatus::bad) << "as the batch's last scan of it left it";
  EXPECT_EQ(domain_b->bad_reason, "unreachable");
  EXPECT_EQ(domain_b->consecutive_failures, 3);
  EXPECT_EQ(store_->find_domain("batch-a.test")->status, DomainStatus::ok);

  const auto events = store_->list_events(EventQuery{});
  ASSERT_EQ(events.items.size(), 1u);
  EXPECT_EQ(events.items[0].domain, "batch-a.test");
  EXPECT_EQ(events.items[0].scan_id, a);
  // Both alerts recorded: the next scan of a is told nothing new for 7 or 14.
  const auto next = store_->queue_scan("batch-a.test", ScanTrigger::rescan)->scan_id;
  const auto claim = store_->claim_scan(next, lease("w"));
  ASSERT_TRUE(claim);
  EXPECT_EQ(claim->sent_alerts.size(), 2u);

  EXPECT_TRUE(store_->complete_scans({}).empty());
}

DOMAINSCAN_ON_EVERY_BACKEND(StoreClaimsTest);

}  // namespace
}  // namespace domainscan::store
