// The Store's webhook methods on SQLite: subscriptions and the delivery queue.
#include "store/paging.hpp"
#include "store/sqlite/sqlite_fields.hpp"
#include "store/sqlite/sqlite_store.hpp"

#include <fmt/format.h>

#include <map>

namespace domainscan::store::sqlite {
namespace {

constexpr std::string_view kWebhookColumns = "w.id, w.url, w.secret, w.created_at, w.disabled_at, w.disabled_reason";

Webhook read_webhook(const Statement& st) {
  Webhook w;
  w.id = st.int64(0);
  w.url = st.text(1);
  w.secret = st.text(2);
  w.created_at = time_of_ms(st.int64(3));
  w.disabled_at = optional_time_ms(st, 4);
  w.disabled_reason = st.optional_text(5);
  return w;
}

// Fills in each webhook's event types and domains.
void load_filters(Connection& conn, std::vector<Webhook>& webhooks) {
  std::map<std::int64_t, Webhook*> by_id;
  for (auto& w : webhooks) by_id[w.id] = &w;
  auto events = conn.prepare("SELECT webhook_id, type FROM webhook_events ORDER BY webhook_id, type");
  while (events.step()) {
    if (auto it = by_id.find(events.int64(0)); it != by_id.end()) it->second->events.push_back(events.text(1));
  }
  auto domains = conn.prepare("SELECT webhook_id, domain FROM webhook_domains ORDER BY webhook_id, domain");
  while (domains.step()) {
    if (auto it = by_id.find(domains.int64(0)); it != by_id.end()) it->second->domains.push_back(domains.text(1));
  }
}

}  // namespace

Webhook SqliteStore::create_webhook(const Webhook& webhook) {
  auto conn = pool_.acquire();
  Transaction tx(*conn);
  Webhook w = webhook;
  w.created_at = now_ms();
  w.disabled_at.reset();
  w.disabled_reason.reset();
  conn->prepare("INSERT INTO webhooks (url, secret, created_at) VALUES (?, ?, ?)")
      .bind_all(w.url, w.secret, to_ms(w.created_at))
      .run();
  w.id = conn->last_insert_rowid();
  for (const auto& type : w.events) {
    conn->prepare("INSERT OR IGNORE INTO webhook_events (webhook_id, type) VALUES (?, ?)").bind_all(w.id, type).run();
  }
  for (const auto& domain : w.domains) {
    conn->prepare("INSERT OR IGNORE INTO webhook_domains (webhook_id, domain) VALUES (?, ?)")
        .bind_all(w.id, domain)
        .run();
  }
  tx.commit();
  return w;
}

std::vector<Webhook> SqliteStore::list_webhooks() {
  auto conn = pool_.acquire();
  std::vector<Webhook> out;
  auto st = conn->prepare(fmt::format("SELECT {} FROM webhooks w ORDER BY w.id", kWebhookColumns));
  while (st.step()) out.push_back(read_webhook(st));
  load_filters(*conn, out);
  return out;
}

std::optional<Webhook> SqliteStore::find_webhook(std::int64_t id) {
  auto conn = pool_.acquire();
  auto st = conn->prepare(fmt::format("SELECT {} FROM webhooks w WHERE w.id = ?", kWebhookColumns));
  st.bind_all(id);
  if (!st.step()) return std::nullopt;
  std::vector<Webhook> one{read_webhook(st)};
  load_filters(*conn, one);
  return one.front();
}

bool SqliteStore::delete_webhook(std::int64_t id) {
  auto conn = pool_.acquire();
  conn->prepare("DELETE FROM webhooks WHERE id = ?").bind_all(id).run();
  return conn->changes() > 0;
}

DeliveryPage SqliteStore::list_deliveries(std::int64_t webhook_id, std::size_t limit,
                                          std::optional<std::int64_t> before_id) {
  auto conn = pool_.acquire();
  auto st = conn->prepare(
      "SELECT d.id, d.webhook_id, d.event_seq, e.type, d.status, d.attempts, d.created_at, d.next_attempt_at, "
      "d.last_attempt_at, d.last_status_code, d.last_error, d.delivered_at "
      "FROM deliveries d JOIN events e ON e.seq = d.event_seq "
      "WHERE d.webhook_id = ?1 AND (?2 IS NULL OR d.id < ?2) ORDER BY d.id DESC LIMIT ?3");
  st.bind_all(webhook_id, before_id, static_cast<std::int64_t>(limit + 1));
  DeliveryPage page;
  while (st.step()) {
    Delivery d;
    d.id = st.int64(0);
    d.webhook_id = st.int64(1);
    d.event_seq = st.int64(2);
    d.event_type = st.text(3);
    d.status = delivery_status_from(st.text(4)).value_or(DeliveryStatus::failed);
    d.attempts = static_cast<int>(st.int64(5));
    d.created_at = time_of_ms(st.int64(6));
    d.next_attempt_at = optional_time_ms(st, 7);
    d.last_attempt_at = optional_time_ms(st, 8);
    if (auto code = st.optional_int64(9)) d.last_status_code = static_cast<int>(*code);
    d.last_error = st.optional_text(10);
    d.delivered_at = optional_time_ms(st, 11);
    page.items.push_back(std::move(d));
  }
  page.next_cursor = trim_page(page.items, limit, [](const Delivery& d) { return std::to_string(d.id); });
  return page;
}

std::vector<DueDelivery> SqliteStore::take_due_deliveries(TimePoint now, std::size_t limit,
                                                          std::chrono::milliseconds lease) {
  auto conn = pool_.acquire();
  Transaction tx(*conn);  // BEGIN IMMEDIATE: no other writer between the read and the lease
  auto st = conn->prepare(
      "SELECT d.id, d.attempts, d.created_at, w.id, w.url, w.secret, "
      "e.seq, dm.name, e.type, e.created_at, e.scan_id, e.previous_scan_id, e.data "
      "FROM deliveries d JOIN webhooks w ON w.id = d.webhook_id JOIN events e ON e.seq = d.event_seq "
      "JOIN domains dm ON dm.id = e.domain_id "
      "WHERE d.status = 'pending' AND d.next_attempt_at <= ?1 AND (d.locked_until IS NULL OR d.locked_until <= ?1) "
      "AND w.disabled_at IS NULL ORDER BY d.next_attempt_at LIMIT ?2");
  st.bind_all(to_ms(now), static_cast<std::int64_t>(limit));
  std::vector<DueDelivery> out;
  while (st.step()) {
    DueDelivery d;
    d.id = st.int64(0);
    d.attempts = static_cast<int>(st.int64(1));
    d.created_at = time_of_ms(st.int64(2));
    d.webhook_id = st.int64(3);
    d.url = st.text(4);
    d.secret = st.text(5);
    d.event.seq = st.int64(6);
    d.event.domain = st.text(7);
    d.event.type = st.text(8);
    d.event.created_at = time_of(st.text(9));
    d.event.scan_id = st.optional_int64(10);
    d.event.previous_scan_id = st.optional_int64(11);
    d.event.data_json = st.text(12);
    out.push_back(std::move(d));
  }
  for (const auto& d : out) {
    conn->prepare("UPDATE deliveries SET locked_until = ? WHERE id = ?").bind_all(to_ms(now + lease), d.id).run();
  }
  tx.commit();
  return out;
}

bool SqliteStore::record_delivery_attempt(const DeliveryAttempt& a) {
  auto conn = pool_.acquire();
  Transaction tx(*conn);
  std::optional<std::int64_t> next;
  if (a.status == DeliveryStatus::pending && a.next_attempt_at) next = to_ms(*a.next_attempt_at);
  std::optional<std::int64_t> delivered;
  if (a.status == DeliveryStatus::delivered) delivered = to_ms(a.at);
  conn->prepare(
          "UPDATE deliveries SET status = ?, attempts = attempts + 1, last_attempt_at = ?, last_status_code = ?, "
          "last_error = ?, next_attempt_at = ?, delivered_at = ?, locked_until = NULL "
          "WHERE id = ? AND attempts = ? AND status = 'pending'")
      .bind_all(to_string(a.status), to_ms(a.at), a.status_code, a.error, next, delivered, a.delivery_id,
                a.attempts_before)
      .run();
  if (conn->changes() == 0) return false;
  if (a.disable_webhook) {
    conn->prepare(
            "UPDATE webhooks SET disabled_at = ?1, disabled_reason = ?2 "
            "WHERE id = (SELECT webhook_id FROM deliveries WHERE id = ?3) AND disabled_at IS NULL")
        .bind_all(to_ms(a.at), *a.disable_webhook, a.delivery_id)
        .run();
    conn->prepare(
            "UPDATE deliveries SET status = 'failed', next_attempt_at = NULL, locked_until = NULL, "
            "last_error = 'the webhook was disabled: ' || ?1 "
            "WHERE webhook_id = (SELECT webhook_id FROM deliveries WHERE id = ?2) AND status = 'pending'")
        .bind_all(*a.disable_webhook, a.delivery_id)
        .run();
  }
  tx.commit();
  return true;
}

}  // namespace domainscan::store::sqlite
