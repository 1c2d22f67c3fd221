// The Store contract, run against SQLite and a real PostgreSQL alike.
#include "store/store.hpp"
#include "support/store_fixture.hpp"
#include "support/store_helpers.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <future>
#include <set>
#include <thread>

namespace domainscan::store {
namespace {

using testing::scan_with_events;

class StoreTest : public testing::StoreOnEachBackend {};

TEST_P(StoreTest, MigrateTwiceIsHarmless) {
  store_->migrate();
  auto again = open_store(db_->url(), 1);
  EXPECT_NO_THROW(again->ping());
}

TEST_P(StoreTest, AddDomainQueuesOneScanAndIsIdempotent) {
  const auto first = store_->add_domain("example.com", std::nullopt, ScanTrigger::api);
  EXPECT_TRUE(first.created);
  EXPECT_GT(first.scan_id, 0);
  EXPECT_EQ(first.domain.name, "example.com");
  EXPECT_EQ(first.domain.status, DomainStatus::pending);
  ASSERT_TRUE(first.domain.last_scan);
  EXPECT_EQ(first.domain.last_scan->id, first.scan_id);
  EXPECT_EQ(first.domain.last_scan->status, ScanStatus::queued);

  const auto second = store_->add_domain("example.com", std::nullopt, ScanTrigger::api);
  EXPECT_FALSE(second.created);
  EXPECT_EQ(second.scan_id, first.scan_id);
  EXPECT_EQ(store_->list_scans("example.com", 10).size(), 1u);

  const auto scan = store_->find_scan(first.scan_id);
  ASSERT_TRUE(scan);
  EXPECT_EQ(scan->status, ScanStatus::queued);
  EXPECT_EQ(scan->trigger, ScanTrigger::api);
  EXPECT_EQ(scan->domain, "example.com");
}

TEST_P(StoreTest, ConcurrentAddsOfOneDomainCreateItOnce) {
  std::vector<std::future<AddDomainResult>> adds;
  for (int i = 0; i < 8; ++i) {
    adds.push_back(std::async(std::launch::async, [&] { return store_->add_domain("race.com", std::nullopt, ScanTrigger::api); }));
  }
  int created = 0;
  for (auto& f : adds) created += f.get().created ? 1 : 0;
  EXPECT_EQ(created, 1);
  EXPECT_EQ(store_->list_scans("race.com", 10).size(), 1u);
}

TEST_P(StoreTest, AddDomainsAddsTheNewOnesWithAFirstScanAndLeavesTheKnownAlone) {
  const auto known = store_->add_domain("known.com", std::nullopt, ScanTrigger::api);
  const Schedule schedule{"0 3 * * *", "Europe/Berlin", std::nullopt};
  const auto result = store_->add_domains({"b-new.com", "known.com", "a-new.com", "b-new.com"}, schedule,
                                          ScanTrigger::api);
  // The new ones in the order given (the order their scans are published in); the repeat
  // and the known name counted as known.
  ASSERT_EQ(result.added.size(), 2u);
  EXPECT_EQ(result.added[0].domain, "b-new.com");
  EXPECT_EQ(result.added[1].domain, "a-new.com");
  EXPECT_EQ(result.known, 2u);
  for (const auto& ref : result.added) {
    const auto scan = store_->find_scan(ref.scan_id);
    ASSERT_TRUE(scan);
    EXPECT_EQ(scan->domain, ref.domain);
    EXPECT_EQ(scan->status, ScanStatus::queued);
    const auto d = store_->find_domain(ref.domain);
    ASSERT_TRUE(d && d->schedule);
    EXPECT_EQ(d->schedule->cron, "0 3 * * *");
    EXPECT_EQ(d->schedule->timezone, "Europe/Berlin");
  }
  // The known domain kept its one scan and got no schedule.
  EXPECT_EQ(store_->list_scans("known.com", 10).size(), 1u);
  EXPECT_EQ(store_->list_scans("known.com", 10)[0].id, known.scan_id);
  EXPECT_FALSE(store_->find_domain("known.com")->schedule);
  // Their scans wait for the outbox like any other.
  EXPECT_EQ(store_->take_unpublished_scans(std::chrono::milliseconds(0), 100).size(), 3u);

  // Again: all known, nothing queued.
  const auto again = store_->add_domains({"a-new.com", "b-new.com"}, std::nullopt, ScanTrigger::api);
  EXPECT_TRUE(again.added.empty());
  EXPECT_EQ(again.known, 2u);
  EXPECT_EQ(store_->add_domains({}, std::nullopt, ScanTrigger::api).known, 0u);
}

TEST_P(StoreTest, ConcurrentBulkAddsOfOverlappingListsAddEachNameOnce) {
  // Four lists sharing most names, in different orders: each name is added once, by one of
  // them, and none of them fails (no deadlock between the transactions).
  std::vector<std::string> names;
  for (int i = 0; i < 200; ++i) names.push_back(fmt::format("n{}.com", i));
  std::vector<std::future<AddDomainsResult>> adds;
  for (int k = 0; k < 4; ++k) {
    auto list = names;
    std::rotate(list.begin(), list.begin() + k * 50, list.end());
    if (k % 2 == 1) std::reverse(list.begin(), list.end());
    adds.push_back(std::async(std::launch::async, [this, list] {
      return store_->add_domains(list, std::nullopt, ScanTrigger::api);
    }));
  }
  std::set<std::string> added;
  std::size_t known = 0;
  for (auto& f : adds) {
    const auto r = f.get();
    for (const auto& ref : r.added) EXPECT_TRUE(added.insert(ref.domain).second) << ref.domain << " added twice";
    known += r.known;
  }
  EXPECT_EQ(added.size(), names.size());
  EXPECT_EQ(known, 3 * names.size());
  EXPECT_EQ(store_->list_scans("n7.com", 10).size(), 1u);
}

TEST_P(StoreTest, AddDomainEachAnswersWhatAddDomainWouldOneAfterTheOther) {
  const auto known = store_->add_domain("known.com", std::nullopt, ScanTrigger::api);
  const Schedule nightly{"0 3 * * *", "Europe/Berlin", std::nullopt};
  const Schedule hourly{"0 * * * *", "UTC", std::nullopt};
  const auto answers = store_->add_domain_each({{"b.com", nightly, ScanTrigger::api},
                                                {"known.com", hourly, ScanTrigger::api},
                                                {"a.com", std::nullopt, ScanTrigger::rescan},
                                                {"b.com", hourly, ScanTrigger::api}});
  ASSERT_EQ(answers.size(), 4u);

  // A new name: created, with its schedule and a queued first scan, as the domain shows it.
  EXPECT_TRUE(answers[0].created);
  EXPECT_EQ(answers[0].domain.name, "b.com");
  EXPECT_EQ(answers[0].domain.status, DomainStatus::pending);
  ASSERT_TRUE(answers[0].domain.schedule);
  EXPECT_EQ(answers[0].domain.schedule->cron, "0 3 * * *");
  ASSERT_TRUE(answers[0].domain.last_scan);
  EXPECT_EQ(answers[0].domain.last_scan->id, answers[0].scan_id);
  EXPECT_EQ(answers[0].domain.last_scan->status, ScanStatus::queued);
  // A known name: returned as it is, its schedule untouched, nothing queued.
  EXPECT_FALSE(answers[1].created);
  EXPECT_EQ(answers[1].scan_id, known.scan_id);
  EXPECT_EQ(answers[1].domain.id, known.domain.id);
  EXPECT_FALSE(answers[1].domain.schedule);
  // Each request's own trigger.
  EXPECT_TRUE(answers[2].created);
  EXPECT_EQ(store_->find_scan(answers[2].scan_id)->trigger, ScanTrigger::rescan);
  EXPECT_FALSE(answers[2].domain.schedule);
  // The same name again: known by then, with the first request's scan and schedule.
  EXPECT_FALSE(answers[3].created);
  EXPECT_EQ(answers[3].scan_id, answers[0].scan_id);
  EXPECT_EQ(answers[3].domain.id, answers[0].domain.id);
  EXPECT_EQ(answers[3].domain.schedule->cron, "0 3 * * *");

  EXPECT_EQ(store_->list_scans("b.com", 10).size(), 1u);
  EXPECT_EQ(store_->list_scans("known.com", 10).size(), 1u);
  EXPECT_EQ(store_->take_unpublished_scans(std::chrono::milliseconds(0), 100).size(), 3u);
  EXPECT_TRUE(store_->add_domain_each({}).empty());
}

TEST_P(StoreTest, ConcurrentBatchesOfAddsCreateEachNameOnce) {
  // Four batches sharing most names, in different orders, at once: each name is created by
  // exactly one request, every other request finds it known, and no batch fails.
  std::vector<std::future<std::vector<AddDomainResult>>> batches;
  for (int k = 0; k < 4; ++k) {
    std::vector<AddDomainRequest> requests;
    for (int i = 0; i < 100; ++i) requests.push_back({fmt::format("m{}.com", (i + k * 25) % 100), std::nullopt});
    if (k % 2 == 1) std::reverse(requests.begin(), requests.end());
    batches.push_back(std::async(std::launch::async, [this, requests] { return store_->add_domain_each(requests); }));
  }
  std::set<std::string> created;
  std::size_t known = 0;
  for (auto& f : batches) {
    for (const auto& answer : f.get()) {
      if (answer.created) {
        EXPECT_TRUE(created.insert(answer.domain.name).second) << answer.domain.name << " created twice";
      } else {
        ++known;
        EXPECT_GT(answer.scan_id, 0) << answer.domain.name;
      }
    }
  }
  EXPECT_EQ(created.size(), 100u);
  EXPECT_EQ(known, 300u);
  EXPECT_EQ(store_->list_scans("m42.com", 10).size(), 1u);
}

TEST_P(StoreTest, SchedulesAreStoredWithTheDomain) {
  const auto added = store_->add_domain("s.com", Schedule{"0 3 * * *", "Europe/Berlin", std::nullopt}, ScanTrigger::api);
  ASSERT_TRUE(added.domain.schedule);
  EXPECT_EQ(added.domain.schedule->cron, "0 3 * * *");
  EXPECT_EQ(added.domain.schedule->timezone, "Europe/Berlin");

  const TimePoint next = TimePoint(std::chrono::milliseconds(1'800'000'000'123));
  EXPECT_TRUE(store_->set_schedule("s.com", Schedule{"*/5 * * * *", "UTC", next}));
  auto d = store_->find_domain("s.com");
  ASSERT_TRUE(d && d->schedule);
  EXPECT_EQ(d->schedule->cron, "*/5 * * * *");
  EXPECT_EQ(d->schedule->next_run_at, next);

  EXPECT_TRUE(store_->delete_schedule("s.com"));
  EXPECT_FALSE(store_->find_domain("s.com")->schedule);
  EXPECT_FALSE(store_->delete_schedule("s.com"));
  EXPECT_FALSE(store_->set_schedule("unknown.com", Schedule{"* * * * *", "UTC", std::nullopt}));
}

TEST_P(StoreTest, AtMostOneQueuedScanPerDomain) {
  const auto added = store_->add_domain("q.com", std::nullopt, ScanTrigger::api);
  const auto again = store_->queue_scan("q.com", ScanTrigger::rescan);
  ASSERT_TRUE(again);
  EXPECT_FALSE(again->created);
  EXPECT_EQ(again->scan_id, added.scan_id);

  ASSERT_TRUE(store_->claim_scan(added.scan_id));  // now running: a new one may queue
  const auto rescan = store_->queue_scan("q.com", ScanTrigger::rescan);
  ASSERT_TRUE(rescan);
  EXPECT_TRUE(rescan->created);
  EXPECT_NE(rescan->scan_id, added.scan_id);
  EXPECT_EQ(store_->find_scan(rescan->scan_id)->trigger, ScanTrigger::rescan);
  EXPECT_FALSE(store_->queue_scan("unknown.com", ScanTrigger::rescan));
}

TEST_P(StoreTest, ClaimCompleteAndRedeliveryIsHarmless) {
  const auto added = store_->add_domain("c.com", std::nullopt, ScanTrigger::api);
  auto claim = store_->claim_scan(added.scan_id);
  ASSERT_TRUE(claim);
  EXPECT_EQ(claim->scan.status, ScanStatus::running);
  EXPECT_TRUE(claim->scan.started_at);
  EXPECT_EQ(claim->domain.name, "c.com");

  ScanCompletion done;
  done.scan_id = added.scan_id;
  done.grade = "B";
  done.score = 78;
  done.result_json = R"({"checks":{"dns":{"status":"ok"}},"findings":[]})";
  EXPECT_TRUE(store_->complete_scan(done));
  EXPECT_FALSE(store_->complete_scan(done)) << "a second result for one scan must not be stored";
  EXPECT_FALSE(store_->claim_scan(added.scan_id)) << "a finished scan must not be claimed again";

  const auto scan = store_->find_scan(added.scan_id);
  ASSERT_TRUE(scan);
  EXPECT_EQ(scan->status, ScanStatus::completed);
  EXPECT_EQ(scan->grade, "B");
  EXPECT_EQ(scan->score, 78);
  EXPECT_TRUE(scan->finished_at);
  EXPECT_NE(scan->result_json.find("\"dns\""), std::string::npos);
  EXPECT_EQ(store_->find_domain("c.com")->status, DomainStatus::ok);
}

TEST_P(StoreTest, CompletionMarksDomainBad) {
  const auto added = store_->add_domain("gone.com", std::nullopt, ScanTrigger::api);
  ASSERT_TRUE(store_->claim_scan(added.scan_id));
  ScanCompletion done;
  done.scan_id = added.scan_id;
  done.domain_status = DomainStatus::bad;
  done.bad_reason = "nxdomain";
  done.consecutive_failures = 1;
  ASSERT_TRUE(store_->complete_scan(done));
  const auto d = store_->find_domain("gone.com");
  EXPECT_EQ(d->status, DomainStatus::bad);
  EXPECT_EQ(d->bad_reason, "nxdomain");
  EXPECT_EQ(d->consecutive_failures, 1);
}

TEST_P(StoreTest, ListsPageByCursorAndFilterByStatus) {
  for (const char* n : {"d.com", "a.com", "c.com", "b.com", "e.com"}) store_->add_domain(n, std::nullopt, ScanTrigger::api);
  const auto first = store_->list_domains({std::nullopt, 2, std::nullopt});
  ASSERT_EQ(first.items.size(), 2u);
  EXPECT_EQ(first.items[0].name, "a.com");
  EXPECT_EQ(first.items[1].name, "b.com");
  ASSERT_TRUE(first.next_cursor);
  const auto second = store_->list_domains({std::nullopt, 2, first.next_cursor});
  EXPECT_EQ(second.items[0].name, "c.com");
  const auto last = store_->list_domains({std::nullopt, 2, second.next_cursor});
  ASSERT_EQ(last.items.size(), 1u);
  EXPECT_EQ(last.items[0].name, "e.com");
  EXPECT_FALSE(last.next_cursor);

  EXPECT_EQ(store_->list_domains({DomainStatus::pending, 50, std::nullopt}).items.size(), 5u);
  EXPECT_TRUE(store_->list_domains({DomainStatus::bad, 50, std::nullopt}).items.empty());
}

TEST_P(StoreTest, HistoryIsNewestFirstAndSummariesCarryNoResult) {
  const auto added = store_->add_domain("h.com", std::nullopt, ScanTrigger::api);
  ASSERT_TRUE(store_->claim_scan(added.scan_id));
  ScanCompletion done;
  done.scan_id = added.scan_id;
  done.result_json = R"({"checks":{},"findings":[]})";
  ASSERT_TRUE(store_->complete_scan(done));
  const auto rescan = store_->queue_scan("h.com", ScanTrigger::rescan);
  const auto history = store_->list_scans("h.com", 10);
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[0].id, rescan->scan_id);
  EXPECT_EQ(history[1].id, added.scan_id);
  EXPECT_TRUE(history[1].result_json.empty());
  EXPECT_EQ(store_->list_scans("h.com", 1).size(), 1u);
}

TEST_P(StoreTest, UnfinishedScansAreFoundForRecovery) {
  const auto a = store_->add_domain("u1.com", std::nullopt, ScanTrigger::api);
  const auto b = store_->add_domain("u2.com", std::nullopt, ScanTrigger::api);
  ASSERT_TRUE(store_->claim_scan(b.scan_id));  // running when the process "died"
  const auto c = store_->add_domain("u3.com", std::nullopt, ScanTrigger::api);
  ASSERT_TRUE(store_->claim_scan(c.scan_id));
  ScanCompletion done;
  done.scan_id = c.scan_id;
  ASSERT_TRUE(store_->complete_scan(done));

  const auto unfinished = store_->unfinished_scans();
  ASSERT_EQ(unfinished.size(), 2u);
  EXPECT_EQ(unfinished[0].scan_id, a.scan_id);
  EXPECT_EQ(unfinished[0].domain, "u1.com");
  EXPECT_EQ(unfinished[1].scan_id, b.scan_id);
  // A running scan can be claimed again after a crash by its owner (serve restarting).
  EXPECT_TRUE(store_->claim_scan(b.scan_id));
}

TEST_P(StoreTest, OutboxFindsQueuedScansWhosePublishWasNeverConfirmed) {
  const auto a = store_->add_domain("o1.com", std::nullopt, ScanTrigger::api);
  const auto b = store_->add_domain("o2.com", std::nullopt, ScanTrigger::rescan);
  const auto c = store_->add_domain("o3.com", std::nullopt, ScanTrigger::api);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  // Younger than the minimum age: most likely being published right now.
  EXPECT_TRUE(store_->take_unpublished_scans(std::chrono::hours(1), 100).empty());

  store_->mark_published({a.scan_id});
  ASSERT_TRUE(store_->claim_scan(c.scan_id));  // running: its request did arrive
  const auto unpublished = store_->take_unpublished_scans(std::chrono::milliseconds(0), 100);
  ASSERT_EQ(unpublished.size(), 1u);
  EXPECT_EQ(unpublished[0].scan_id, b.scan_id);
  EXPECT_EQ(unpublished[0].domain, "o2.com");
  EXPECT_EQ(unpublished[0].trigger, ScanTrigger::rescan);

  store_->mark_published({b.scan_id});
  EXPECT_TRUE(store_->take_unpublished_scans(std::chrono::milliseconds(0), 100).empty());
}

TEST_P(StoreTest, FailScanEndsAQueuedOrRunningScanOnly) {
  const auto a = store_->add_domain("f1.com", std::nullopt, ScanTrigger::api);
  ASSERT_TRUE(store_->claim_scan(a.scan_id));
  EXPECT_TRUE(store_->fail_scan(a.scan_id, "gave up after 5 attempts: database down"));
  const auto failed = store_->find_scan(a.scan_id);
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->status, ScanStatus::failed);
  EXPECT_EQ(failed->error, "gave up after 5 attempts: database down");
  EXPECT_TRUE(failed->finished_at);
  EXPECT_FALSE(store_->fail_scan(a.scan_id, "again"));  // finished already
  EXPECT_FALSE(store_->claim_scan(a.scan_id));          // and not scanned any more
  EXPECT_EQ(store_->find_domain("f1.com")->status, DomainStatus::pending);
}

TEST_P(StoreTest, DeleteRemovesDomainScheduleAndScans) {
  const auto added = store_->add_domain("del.com", Schedule{"@daily", "UTC", std::nullopt}, ScanTrigger::api);
  EXPECT_TRUE(store_->delete_domain("del.com"));
  EXPECT_FALSE(store_->find_domain("del.com"));
  EXPECT_FALSE(store_->find_scan(added.scan_id));
  EXPECT_FALSE(store_->delete_domain("del.com"));
}

TEST_P(StoreTest, StatsCountByStatus) {
  store_->add_domain("s1.com", std::nullopt, ScanTrigger::api);
  const auto b = store_->add_domain("s2.com", std::nullopt, ScanTrigger::api);
  ASSERT_TRUE(store_->claim_scan(b.scan_id));
  const auto s = store_->stats();
  EXPECT_EQ(s.domains_pending, 2);
  EXPECT_EQ(s.scans_queued, 1);
  EXPECT_EQ(s.scans_running, 1);
}

TEST_P(StoreTest, TwoProcessesNeverOverspendAnApiBudget) {
  // Two stores on one database stand for two workers (each with its own connections);
  // eight threads each ask for calls at once. The day allows 25: exactly 25 are granted,
  // in distinct slots, and the rest hear that the budget is spent.
  auto other = open_store(db_->url(), 4);
  const auto now = now_ms();
  const ApiBudgetPolicy policy{60'000, 25, std::chrono::hours(1)};  // a slot every millisecond
  std::vector<std::future<std::vector<ApiCallDecision>>> callers;
  for (int t = 0; t < 8; ++t) {
    Store& store = t % 2 == 0 ? *store_ : *other;
    callers.push_back(std::async(std::launch::async, [&store, now, policy] {
      std::vector<ApiCallDecision> out;
      for (int i = 0; i < 10; ++i) out.push_back(store.reserve_api_call("virustotal", now, policy));
      return out;
    }));
  }
  std::set<TimePoint> slots;
  int granted = 0, spent = 0;
  for (auto& c : callers) {
    for (const auto& d : c.get()) {
      if (d.verdict == ApiCallVerdict::granted) {
        ++granted;
        slots.insert(d.at);
      } else {
        EXPECT_EQ(d.verdict, ApiCallVerdict::quota_spent);
        ++spent;
      }
    }
  }
  EXPECT_EQ(granted, 25);
  EXPECT_EQ(slots.size(), 25u);
  EXPECT_EQ(spent, 80 - 25);
  // Another API's budget is its own.
  EXPECT_EQ(store_->reserve_api_call("other", now, policy).verdict, ApiCallVerdict::granted);
}

TEST_P(StoreTest, ABackOffIsSeenByEveryProcess) {
  auto other = open_store(db_->url(), 1);
  const auto now = now_ms();
  const ApiBudgetPolicy policy{4, 500, std::chrono::minutes(1)};
  store_->back_off_api("virustotal", now + std::chrono::seconds(30));
  store_->back_off_api("virustotal", now + std::chrono::seconds(10));  // a shorter one does not shorten it
  const auto d = other->reserve_api_call("virustotal", now, policy);
  EXPECT_EQ(d.verdict, ApiCallVerdict::backing_off);
  EXPECT_EQ(d.at, now + std::chrono::seconds(30));
  EXPECT_EQ(other->reserve_api_call("virustotal", now + std::chrono::seconds(30), policy).verdict,
            ApiCallVerdict::granted);
}

TEST_P(StoreTest, ApiAnswersAreKeptUntilTooOldAndReplaced) {
  const auto t0 = now_ms();
  using std::chrono::hours;
  store_->store_api_answer("virustotal", "a.com", ApiAnswer{t0, R"({"malicious": 0})"}, t0 - hours(24));
  const auto found = store_->find_api_answer("virustotal", "a.com", t0 - hours(24));
  ASSERT_TRUE(found);
  EXPECT_EQ(found->fetched_at, t0);
  EXPECT_EQ(found->body, R"({"malicious": 0})");
  EXPECT_FALSE(store_->find_api_answer("virustotal", "a.com", t0 + hours(1)));  // too old for that caller
  EXPECT_FALSE(store_->find_api_answer("virustotal", "b.com", t0 - hours(24)));
  EXPECT_FALSE(store_->find_api_answer("other", "a.com", t0 - hours(24)));

  // A newer answer replaces it; storing one 25 hours later drops answers older than a day.
  store_->store_api_answer("virustotal", "a.com", ApiAnswer{t0 + hours(1), R"({"malicious": 3})"}, t0 - hours(23));
  EXPECT_EQ(store_->find_api_answer("virustotal", "a.com", t0)->body, R"({"malicious": 3})");
  store_->store_api_answer("virustotal", "c.com", ApiAnswer{t0 + hours(26), "{}"}, t0 + hours(2));
  EXPECT_FALSE(store_->find_api_answer("virustotal", "a.com", t0 - hours(100)));
  EXPECT_TRUE(store_->find_api_answer("virustotal", "c.com", t0));
}

TEST_P(StoreTest, EventsAreStoredWithTheScanExactlyOnce) {
  const auto first = store_->add_domain("watch.com", std::nullopt, ScanTrigger::api);
  ASSERT_TRUE(store_->claim_scan(first.scan_id));
  ScanCompletion done;
  done.scan_id = first.scan_id;
  done.result_json = R"({"checks":{},"findings":[]})";
  done.events = {NewEvent{"domain.bad", std::nullopt, R"({"bad_reason":"nxdomain"})", std::nullopt}};
  ASSERT_TRUE(store_->complete_scan(done));
  EXPECT_FALSE(store_->complete_scan(done));  // a redelivered result stores no second event

  const auto page = store_->list_events(EventQuery{});
  ASSERT_EQ(page.items.size(), 1u);
  const auto& e = page.items[0];
  EXPECT_EQ(e.type, "domain.bad");
  EXPECT_EQ(e.domain, "watch.com");
  EXPECT_EQ(e.scan_id, first.scan_id);
  EXPECT_FALSE(e.previous_scan_id);
  EXPECT_NE(e.data_json.find("nxdomain"), std::string::npos);
  EXPECT_EQ(e.id(), "evt_" + std::to_string(e.seq));
}

TEST_P(StoreTest, AClaimCarriesThePreviousCompletedScanAndTheAlertsSent) {
  const auto first = scan_with_events(*store_, "prev.com", {}, {ExpiryAlert{"certificate", "2027-01-01T00:00:00Z", 30}});
  const auto second = store_->queue_scan("prev.com", ScanTrigger::rescan);
  const auto claim = store_->claim_scan(second->scan_id);
  ASSERT_TRUE(claim);
  ASSERT_TRUE(claim->previous);
  EXPECT_EQ(claim->previous->id, first);
  EXPECT_EQ(claim->previous->result_json.find("checks") != std::string::npos, true);
  EXPECT_EQ(claim->sent_alerts, (std::vector<ExpiryAlert>{{"certificate", "2027-01-01T00:00:00Z", 30}}));
  const auto fresh = store_->add_domain("fresh.com", std::nullopt, ScanTrigger::api);
  const auto none = store_->claim_scan(fresh.scan_id);
  EXPECT_FALSE(none->previous);
  EXPECT_TRUE(none->sent_alerts.empty());
}

TEST_P(StoreTest, AnExpiryAlertIsStoredOnceWhoeverTellsIt) {
  const ExpiryAlert alert{"certificate", "2027-01-01T00:00:00Z", 14};
  const NewEvent expiring{"certificate.expiring", std::nullopt, R"({"threshold":14})", alert};
  scan_with_events(*store_, "exp.com", {expiring}, {alert});
  // Another worker, racing, tells the same alert: stored once.
  scan_with_events(*store_, "exp.com", {expiring});
  EXPECT_EQ(store_->list_events(EventQuery{.type = "certificate.expiring"}).items.size(), 1u);
  // Another domain's alert is its own.
  scan_with_events(*store_, "other.com", {expiring});
  EXPECT_EQ(store_->list_events(EventQuery{.type = "certificate.expiring"}).items.size(), 2u);
}

TEST_P(StoreTest, EventsListNewestFirstByDomainTypeAndTimeWithACursor) {
  for (int i = 0; i < 3; ++i) {
    scan_with_events(*store_, "a.com", {NewEvent{"domain.changed", std::nullopt, "{}", std::nullopt}});
    scan_with_events(*store_, "b.com", {NewEvent{"domain.changed", std::nullopt, "{}", std::nullopt},
                                        NewEvent{"domain.bad", std::nullopt, "{}", std::nullopt}});
  }
  const auto all = store_->list_events(EventQuery{});
  ASSERT_EQ(all.items.size(), 9u);
  for (std::size_t i = 1; i < all.items.size(); ++i) EXPECT_GT(all.items[i - 1].seq, all.items[i].seq);

  EXPECT_EQ(store_->list_events(EventQuery{.domain = "a.com"}).items.size(), 3u);
  EXPECT_EQ(store_->list_events(EventQuery{.domain = "b.com", .type = "domain.bad"}).items.size(), 3u);
  EXPECT_EQ(store_->list_events(EventQuery{.domain = "nobody.com"}).items.size(), 0u);
  const auto later = all.items.front().created_at + std::chrono::hours(1);
  EXPECT_TRUE(store_->list_events(EventQuery{.since = later}).items.empty());
  EXPECT_EQ(store_->list_events(EventQuery{.since = all.items.back().created_at}).items.size(), 9u);

  // Pages of 4: 4 + 4 + 1, no event twice, none left out.
  std::set<std::int64_t> seen;
  EventQuery q{.limit = 4};
  int pages = 0;
  while (true) {
    const auto page = store_->list_events(q);
    ++pages;
    for (const auto& e : page.items) EXPECT_TRUE(seen.insert(e.seq).second);
    if (!page.next_cursor) break;
    q.before_seq = std::stoll(*page.next_cursor);
  }
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(seen.size(), 9u);
}

TEST_P(StoreTest, DeletingADomainDeletesItsEvents) {
  scan_with_events(*store_, "bye.com", {NewEvent{"domain.changed", std::nullopt, "{}", std::nullopt}});
  ASSERT_TRUE(store_->delete_domain("bye.com"));
  EXPECT_TRUE(store_->list_events(EventQuery{}).items.empty());
}

DOMAINSCAN_ON_EVERY_BACKEND(StoreTest);

}  // namespace
}  // namespace domainscan::store
