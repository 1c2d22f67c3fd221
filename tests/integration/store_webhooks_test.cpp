// The Store's webhooks and delivery queue, on SQLite and a real PostgreSQL alike.
#include "store/store.hpp"
#include "support/store_fixture.hpp"
#include "support/store_helpers.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <future>
#include <set>

namespace domainscan::store {
namespace {

using namespace std::chrono_literals;
using testing::scan_with_events;

NewEvent event(const char* type) { return NewEvent{type, std::nullopt, R"({"x":1})", std::nullopt}; }

class StoreWebhooks : public testing::StoreOnEachBackend {
 protected:
  Webhook add(std::vector<std::string> events, std::vector<std::string> domains = {},
              std::string url = "https://hooks.example.net/in") {
    Webhook w;
    w.url = std::move(url);
    w.secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    w.events = std::move(events);
    w.domains = std::move(domains);
    return store_->create_webhook(w);
  }
  std::vector<DueDelivery> take(TimePoint now, std::size_t limit = 100) {
    return store_->take_due_deliveries(now, limit, 60s);
  }
};

TEST_P(StoreWebhooks, CreatedListedFoundAndDeleted) {
  const auto a = add({"domain.changed", "domain.bad"}, {"a.com"});
  const auto b = add({"*"});
  EXPECT_GT(a.id, 0);
  EXPECT_NE(a.id, b.id);
  EXPECT_EQ(a.public_id(), "wh_" + std::to_string(a.id));
  const auto found = store_->find_webhook(a.id);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->url, "https://hooks.example.net/in");
  EXPECT_EQ(found->secret, a.secret);
  EXPECT_EQ(found->events, (std::vector<std::string>{"domain.bad", "domain.changed"}));
  EXPECT_EQ(found->domains, (std::vector<std::string>{"a.com"}));
  EXPECT_EQ(found->created_at, a.created_at);
  EXPECT_FALSE(found->disabled_at);
  const auto all = store_->list_webhooks();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[1].events, (std::vector<std::string>{"*"}));
  EXPECT_TRUE(all[1].domains.empty());
  EXPECT_TRUE(store_->delete_webhook(a.id));
  EXPECT_FALSE(store_->delete_webhook(a.id));
  EXPECT_FALSE(store_->find_webhook(a.id));
  EXPECT_EQ(store_->list_webhooks().size(), 1u);
}

TEST_P(StoreWebhooks, AnEventMakesADeliveryForEachWebhookThatWantsItsTypeAndDomain) {
  const auto all = add({"*"});
  const auto changes = add({"domain.changed"});
  const auto of_a = add({"*"}, {"a.com"});
  const auto of_b_bad = add({"domain.bad"}, {"b.com"});
  scan_with_events(*store_, "a.com", {event("domain.changed")});
  scan_with_events(*store_, "b.com", {event("domain.changed"), event("domain.bad")});
  const auto count = [&](const Webhook& w) { return store_->list_deliveries(w.id, 100, std::nullopt).items.size(); };
  EXPECT_EQ(count(all), 3u);
  EXPECT_EQ(count(changes), 2u);
  EXPECT_EQ(count(of_a), 1u);
  EXPECT_EQ(count(of_b_bad), 1u);
  const auto d = store_->list_deliveries(of_b_bad.id, 100, std::nullopt).items.front();
  EXPECT_EQ(d.event_type, "domain.bad");
  EXPECT_EQ(d.status, DeliveryStatus::pending);
  EXPECT_EQ(d.attempts, 0);
  EXPECT_TRUE(d.next_attempt_at);
}

TEST_P(StoreWebhooks, ABatchOfCompletionsNumbersItsEventsInOrderAndMakesEachItsDeliveries) {
  const auto all = add({"*"});
  const auto bad_of_b = add({"domain.bad"}, {"b.com"});
  const auto previous = scan_with_events(*store_, "b.com", {});
  std::vector<ScanCompletion> batch;
  for (const auto* name : {"a.com", "b.com", "c.com"}) {
    auto queued = store_->queue_scan(name, ScanTrigger::rescan);
    const auto id = queued ? queued->scan_id : store_->add_domain(name, std::nullopt, ScanTrigger::api).scan_id;
    ASSERT_TRUE(store_->claim_scan(id));
    ScanCompletion c;
    c.scan_id = id;
    c.result_json = R"({"checks":{},"findings":[]})";
    batch.push_back(c);
  }
  batch[0].events = {NewEvent{"domain.changed", std::nullopt, R"({"n":1})", std::nullopt},
                     NewEvent{"domain.bad", std::nullopt, R"({"n":2})", std::nullopt}};
  batch[1].events = {NewEvent{"domain.bad", previous, R"({"n":3,"q":"a \"quoted\" {text}"})", std::nullopt}};
  EXPECT_EQ(store_->complete_scans(batch), (std::vector<bool>{true, true, true}));

  // Newest first: numbered in the batch's order, each with its own scan, predecessor and data.
  const auto events = store_->list_events(EventQuery{}).items;
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[2].domain, "a.com");
  EXPECT_EQ(events[2].type, "domain.changed");
  EXPECT_EQ(events[1].type, "domain.bad");
  EXPECT_EQ(events[1].scan_id, batch[0].scan_id);
  EXPECT_FALSE(events[1].previous_scan_id);
  EXPECT_EQ(events[0].domain, "b.com");
  EXPECT_EQ(events[0].scan_id, batch[1].scan_id);
  EXPECT_EQ(events[0].previous_scan_id, previous);
  EXPECT_NE(events[0].data_json.find(R"(a \"quoted\" {text})"), std::string::npos) << events[0].data_json;
  EXPECT_LT(events[2].seq, events[1].seq);
  EXPECT_LT(events[1].seq, events[0].seq);

  // Each event a delivery for each webhook that wants it: all three to "*", b's bad one to
  // the webhook of b.com's bad events.
  const auto deliveries = [&](const Webhook& w) { return store_->list_deliveries(w.id, 100, std::nullopt).items; };
  EXPECT_EQ(deliveries(all).size(), 3u);
  ASSERT_EQ(deliveries(bad_of_b).size(), 1u);
  EXPECT_EQ(deliveries(bad_of_b)[0].event_seq, events[0].seq);
}

TEST_P(StoreWebhooks, ADueDeliveryIsTakenByOneDelivererUntilItsLeaseRunsOut) {
  const auto w = add({"*"});
  scan_with_events(*store_, "a.com", {event("domain.changed")});
  const auto now = now_ms() + 1s;
  const auto taken = take(now);
  ASSERT_EQ(taken.size(), 1u);
  const auto& d = taken[0];
  EXPECT_EQ(d.webhook_id, w.id);
  EXPECT_EQ(d.url, w.url);
  EXPECT_EQ(d.secret, w.secret);
  EXPECT_EQ(d.attempts, 0);
  EXPECT_EQ(d.event.type, "domain.changed");
  EXPECT_EQ(d.event.domain, "a.com");
  EXPECT_EQ(d.event.data_json.find("\"x\""), 1u);
  EXPECT_TRUE(take(now).empty());             // held
  EXPECT_TRUE(take(now + 59s).empty());       // still held
  EXPECT_EQ(take(now + 61s).size(), 1u);      // the lease ran out: another deliverer takes it
}

TEST_P(StoreWebhooks, ConcurrentDeliverersNeverTakeOneDeliveryTwice) {
  add({"*"});
  for (int i = 0; i < 20; ++i) scan_with_events(*store_, fmt::format("a{}.com", i), {event("domain.changed")});
  const auto now = now_ms() + 1s;
  std::vector<std::future<std::vector<DueDelivery>>> takers;
  for (int i = 0; i < 4; ++i) takers.push_back(std::async(std::launch::async, [&] { return take(now, 7); }));
  std::set<std::int64_t> seen;
  std::size_t total = 0;
  for (auto& t : takers) {
    for (const auto& d : t.get()) {
      EXPECT_TRUE(seen.insert(d.id).second) << "delivery " << d.id << " taken twice";
      ++total;
    }
  }
  EXPECT_EQ(total, 20u);
}

TEST_P(StoreWebhooks, AttemptsAreRecordedOnceAndRetriesWaitForTheirTime) {
  const auto w = add({"*"});
  scan_with_events(*store_, "a.com", {event("domain.changed")});
  const auto now = now_ms() + 1s;
  const auto d = take(now).at(0);
  DeliveryAttempt retry;
  retry.delivery_id = d.id;
  retry.attempts_before = d.attempts;
  retry.at = now;
  retry.status = DeliveryStatus::pending;
  retry.next_attempt_at = now + 5s;
  retry.status_code = 500;
  retry.error = "the receiver answered 500";
  ASSERT_TRUE(store_->record_delivery_attempt(retry));
  EXPECT_FALSE(store_->record_delivery_attempt(retry));  // a stale deliverer records nothing
  EXPECT_TRUE(take(now + 4s).empty());                    // not due yet
  const auto again = take(now + 6s);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].attempts, 1);

  DeliveryAttempt ok;
  ok.delivery_id = d.id;
  ok.attempts_before = 1;
  ok.at = now + 6s;
  ok.status = DeliveryStatus::delivered;
  ok.status_code = 200;
  ASSERT_TRUE(store_->record_delivery_attempt(ok));
  EXPECT_TRUE(take(now + 1h).empty());
  const auto listed = store_->list_deliveries(w.id, 10, std::nullopt).items.at(0);
  EXPECT_EQ(listed.status, DeliveryStatus::delivered);
  EXPECT_EQ(listed.attempts, 2);
  EXPECT_EQ(listed.last_status_code, 200);
  EXPECT_EQ(listed.delivered_at, now + 6s);
  EXPECT_FALSE(listed.next_attempt_at);
}

TEST_P(StoreWebhooks, GoneDisablesTheWebhookAndFailsItsPendingDeliveries) {
  const auto w = add({"*"});
  scan_with_events(*store_, "a.com", {event("domain.changed"), event("domain.bad")});
  const auto now = now_ms() + 1s;
  const auto d = take(now, 1).at(0);
  DeliveryAttempt gone;
  gone.delivery_id = d.id;
  gone.at = now;
  gone.status = DeliveryStatus::failed;
  gone.status_code = 410;
  gone.error = "the receiver answered 410";
  gone.disable_webhook = "the receiver answered 410 Gone";
  ASSERT_TRUE(store_->record_delivery_attempt(gone));
  const auto found = store_->find_webhook(w.id);
  ASSERT_TRUE(found->disabled_at);
  EXPECT_EQ(found->disabled_reason, "the receiver answered 410 Gone");
  for (const auto& listed : store_->list_deliveries(w.id, 10, std::nullopt).items) {
    EXPECT_EQ(listed.status, DeliveryStatus::failed);
  }
  EXPECT_TRUE(take(now + 1h).empty());
  // A disabled webhook gets no new deliveries.
  scan_with_events(*store_, "a.com", {event("domain.changed")});
  EXPECT_EQ(store_->list_deliveries(w.id, 10, std::nullopt).items.size(), 2u);
}

TEST_P(StoreWebhooks, DeliveriesPageNewestFirstAndGoWithTheirWebhook) {
  const auto w = add({"*"});
  for (int i = 0; i < 5; ++i) scan_with_events(*store_, "a.com", {event("domain.changed")});
  const auto first = store_->list_deliveries(w.id, 3, std::nullopt);
  ASSERT_EQ(first.items.size(), 3u);
  ASSERT_TRUE(first.next_cursor);
  EXPECT_GT(first.items[0].id, first.items[1].id);
  const auto second = store_->list_deliveries(w.id, 3, std::stoll(*first.next_cursor));
  EXPECT_EQ(second.items.size(), 2u);
  EXPECT_FALSE(second.next_cursor);
  EXPECT_LT(second.items[0].id, first.items[2].id);
  ASSERT_TRUE(store_->delete_webhook(w.id));
  EXPECT_TRUE(store_->list_deliveries(w.id, 10, std::nullopt).items.empty());
  EXPECT_TRUE(take(now_ms() + 1h).empty());
}

DOMAINSCAN_ON_EVERY_BACKEND(StoreWebhooks);

}  // namespace
}  // namespace domainscan::store
