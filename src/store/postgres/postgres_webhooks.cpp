// The Store's webhook methods on PostgreSQL: subscriptions and the delivery queue.
#include <map>

#include "store/paging.hpp"
#include "store/postgres/postgres_fields.hpp"
#include "store/postgres/postgres_store.hpp"
#include "store/postgres/postgres_transaction.hpp"

namespace domainscan::store::postgres {
namespace {

// Columns read_webhook() expects, in order, for a webhook aliased w.
const std::string kWebhookColumns =
    fmt::format("w.id, w.url, w.secret, {}, {}, w.disabled_reason", ms("w.created_at"), ms("w.disabled_at"));

Webhook read_webhook(const pqxx::row& r) {
  Webhook w;
  w.id = r[0].as<std::int64_t>();
  w.url = r[1].as<std::string>();
  w.secret = r[2].as<std::string>();
  w.created_at = time_of(r[3]);
  w.disabled_at = optional_time(r[4]);
  w.disabled_reason = optional_text(r[5]);
  return w;
}

// Fills in each webhook's event types and domains (two queries for any number of webhooks:
// there are few webhooks, and their filters are short).
void load_filters(pqxx::work& tx, std::vector<Webhook>& webhooks) {
  std::map<std::int64_t, Webhook*> by_id;
  for (auto& w : webhooks) by_id[w.id] = &w;
  for (const auto& r : tx.exec("SELECT webhook_id, type FROM webhook_events ORDER BY webhook_id, type")) {
    if (auto it = by_id.find(r[0].as<std::int64_t>()); it != by_id.end()) {
      it->second->events.push_back(r[1].as<std::string>());
    }
  }
  for (const auto& r : tx.exec("SELECT webhook_id, domain FROM webhook_domains ORDER BY webhook_id, domain")) {
    if (auto it = by_id.find(r[0].as<std::int64_t>()); it != by_id.end()) {
      it->second->domains.push_back(r[1].as<std::string>());
    }
  }
}

}  // namespace

Webhook PostgresStore::create_webhook(const Webhook& webhook) {
  return in_transaction([&](pqxx::work& tx) {
    Webhook w = webhook;
    const auto row = exec_prepared_sql1(
        tx,
        fmt::format("INSERT INTO webhooks (url, secret, created_at) VALUES ($1, $2, date_trunc('milliseconds', now())) "
                    "RETURNING id, {}",
                    ms("created_at")),
        w.url, w.secret);
    w.id = row[0].as<std::int64_t>();
    w.created_at = time_of(row[1]);
    for (const auto& type : w.events) {
      exec_prepared_sql(tx, "INSERT INTO webhook_events (webhook_id, type) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                        w.id, type);
    }
    for (const auto& domain : w.domains) {
      exec_prepared_sql(tx, "INSERT INTO webhook_domains (webhook_id, domain) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                        w.id, domain);
    }
    return w;
  });
}

std::vector<Webhook> PostgresStore::list_webhooks() {
  return in_transaction([&](pqxx::work& tx) {
    std::vector<Webhook> out;
    for (const auto& r : tx.exec(fmt::format("SELECT {} FROM webhooks w ORDER BY w.id", kWebhookColumns))) {
      out.push_back(read_webhook(r));
    }
    load_filters(tx, out);
    return out;
  });
}

std::optional<Webhook> PostgresStore::find_webhook(std::int64_t id) {
  return in_transaction([&](pqxx::work& tx) -> std::optional<Webhook> {
    const auto rows =
        exec_prepared_sql(tx, fmt::format("SELECT {} FROM webhooks w WHERE w.id = $1", kWebhookColumns), id);
    if (rows.empty()) return std::nullopt;
    std::vector<Webhook> one{read_webhook(rows[0])};
    load_filters(tx, one);
    return one.front();
  });
}

bool PostgresStore::delete_webhook(std::int64_t id) {
  return in_transaction([&](pqxx::work& tx) {
    return exec_prepared_sql(tx, "DELETE FROM webhooks WHERE id = $1", id).affected_rows() > 0;
  });
}

DeliveryPage PostgresStore::list_deliveries(std::int64_t webhook_id, std::size_t limit,
                                            std::optional<std::int64_t> before_id) {
  return in_transaction([&](pqxx::work& tx) {
    const auto rows = exec_prepared_sql(
        tx,
        fmt::format("SELECT d.id, d.webhook_id, d.event_seq, e.type, d.status, d.attempts, {}, {}, {}, "
                    "d.last_status_code, d.last_error, {} "
                    "FROM deliveries d JOIN events e ON e.seq = d.event_seq "
                    "WHERE d.webhook_id = $1 AND ($2::bigint IS NULL OR d.id < $2) ORDER BY d.id DESC LIMIT $3",
                    ms("d.created_at"), ms("d.next_attempt_at"), ms("d.last_attempt_at"), ms("d.delivered_at")),
        webhook_id, before_id, static_cast<std::int64_t>(limit + 1));
    DeliveryPage page;
    for (const auto& r : rows) {
      Delivery d;
      d.id = r[0].as<std::int64_t>();
      d.webhook_id = r[1].as<std::int64_t>();
      d.event_seq = r[2].as<std::int64_t>();
      d.event_type = r[3].as<std::string>();
      d.status = delivery_status_from(r[4].c_str()).value_or(DeliveryStatus::failed);
      d.attempts = r[5].as<int>();
      d.created_at = time_of(r[6]);
      d.next_attempt_at = optional_time(r[7]);
      d.last_attempt_at = optional_time(r[8]);
      if (!r[9].is_null()) d.last_status_code = r[9].as<int>();
      d.last_error = optional_text(r[10]);
      d.delivered_at = optional_time(r[11]);
      page.items.push_back(std::move(d));
    }
    page.next_cursor = trim_page(page.items, limit, [](const Delivery& d) { return std::to_string(d.id); });
    return page;
  });
}

std::vector<DueDelivery> PostgresStore::take_due_deliveries(TimePoint now, std::size_t limit,
                                                            std::chrono::milliseconds lease) {
  return in_transaction([&](pqxx::work& tx) {
    // SKIP LOCKED: deliverers in other processes taking at the same moment pass over the
    // rows this one is taking instead of waiting for them; the lease keeps them off after.
    const auto rows = exec_prepared_sql(
        tx,
        fmt::format("WITH taken AS ("
                    "  UPDATE deliveries SET locked_until = to_timestamp(($1::bigint + $3::bigint) / 1000.0) "
                    "  WHERE id IN (SELECT d.id FROM deliveries d JOIN webhooks w ON w.id = d.webhook_id "
                    "    WHERE d.status = 'pending' AND d.next_attempt_at <= to_timestamp($1::bigint / 1000.0) "
                    "    AND (d.locked_until IS NULL OR d.locked_until <= to_timestamp($1::bigint / 1000.0)) "
                    "    AND w.disabled_at IS NULL ORDER BY d.next_attempt_at LIMIT $2 FOR UPDATE OF d SKIP LOCKED) "
                    "  RETURNING id, attempts, created_at, webhook_id, event_seq, next_attempt_at) "
                    "SELECT t.id, t.attempts, {}, w.id, w.url, w.secret, "
                    "e.seq, dm.name, e.type, {}, e.scan_id, e.previous_scan_id, e.data::text "
                    "FROM taken t JOIN webhooks w ON w.id = t.webhook_id JOIN events e ON e.seq = t.event_seq "
                    "JOIN domains dm ON dm.id = e.domain_id ORDER BY t.next_attempt_at",
                    ms("t.created_at"), ms("e.created_at")),
        to_ms(now), static_cast<std::int64_t>(limit), static_cast<std::int64_t>(lease.count()));
    std::vector<DueDelivery> out;
    for (const auto& r : rows) {
      DueDelivery d;
      d.id = r[0].as<std::int64_t>();
      d.attempts = r[1].as<int>();
      d.created_at = time_of(r[2]);
      d.webhook_id = r[3].as<std::int64_t>();
      d.url = r[4].as<std::string>();
      d.secret = r[5].as<std::string>();
      d.event.seq = r[6].as<std::int64_t>();
      d.event.domain = r[7].as<std::string>();
      d.event.type = r[8].as<std::string>();
      d.event.created_at = time_of(r[9]);
      if (!r[10].is_null()) d.event.scan_id = r[10].as<std::int64_t>();
      if (!r[11].is_null()) d.event.previous_scan_id = r[11].as<std::int64_t>();
      d.event.data_json = r[12].as<std::string>();
      out.push_back(std::move(d));
    }
    return out;
  });
}

bool PostgresStore::record_delivery_attempt(const DeliveryAttempt& a) {
  return in_transaction([&](pqxx::work& tx) {
    const auto updated = exec_prepared_sql(
        tx,
        "UPDATE deliveries SET status = $1, attempts = attempts + 1, last_attempt_at = to_timestamp($2::bigint / "
        "1000.0), "
        "last_status_code = $3, last_error = $4, next_attempt_at = to_timestamp($5::bigint / 1000.0), "
        "delivered_at = CASE WHEN $1 = 'delivered' THEN to_timestamp($2::bigint / 1000.0) END, locked_until = NULL "
        "WHERE id = $6 AND attempts = $7 AND status = 'pending' RETURNING webhook_id",
        std::string(to_string(a.status)), to_ms(a.at), a.status_code, a.error,
        a.status == DeliveryStatus::pending ? to_ms(a.next_attempt_at) : std::nullopt, a.delivery_id,
        a.attempts_before);
    if (updated.empty()) return false;
    if (a.disable_webhook) {
      const auto webhook_id = updated[0][0].as<std::int64_t>();
      exec_prepared_sql(tx,
                        "UPDATE webhooks SET disabled_at = to_timestamp($1::bigint / 1000.0), disabled_reason = $2 "
                        "WHERE id = $3 AND disabled_at IS NULL",
                        to_ms(a.at), *a.disable_webhook, webhook_id);
      exec_prepared_sql(tx,
                        "UPDATE deliveries SET status = 'failed', next_attempt_at = NULL, locked_until = NULL, "
                        "last_error = 'the webhook was disabled: ' || $1 WHERE webhook_id = $2 AND status = 'pending'",
                        *a.disable_webhook, webhook_id);
    }
    return true;
  });
}

}  // namespace domainscan::store::postgres
