#include "store/postgres/postgres_store.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <limits>
#include <map>
#include <set>
#include <stdexcept>

#include "core/errors.hpp"
#include "store/migrations.hpp"
#include "store/next_run.hpp"
#include "store/paging.hpp"
#include "store/postgres/postgres_change_listener.hpp"
#include "store/postgres/postgres_fields.hpp"
#include "store/postgres/postgres_transaction.hpp"

namespace domainscan::store::postgres {
namespace {

// Columns read_scan() expects, in order, for a scan aliased s of a domain aliased d; a
// result column may follow (read only when asked for).
const std::string kScanColumns =
    fmt::format("s.id, d.name, s.status, s.triggered_by, {}, {}, {}, s.grade, s.score, s.error, s.grade_reason",
                ms("s.queued_at"), ms("s.started_at"), ms("s.finished_at"));
constexpr int kScanColumnCount = 11;

// Conditions on a scan's status for statements that find their rows by id, written so that
// the planner cannot take them from the partial index of unfinished scans (scans_unfinished):
// with the statistics of before a bulk import (tens of thousands of scans queued since the
// last ANALYZE) it did, reading the whole index to match a few ids, 2 ms a claim at 20,000
// queued and growing with the queue. The CHECK on status makes each equal to its plain form.
std::string still_queued(std::string_view column = "status") {  // = 'queued'
  return fmt::format("{} NOT IN ('running', 'completed', 'failed')", column);
}
std::string still_running(std::string_view column = "status") {  // = 'running'
  return fmt::format("{} NOT IN ('queued', 'completed', 'failed')", column);
}
std::string not_finished(std::string_view column = "status") {  // IN ('queued', 'running')
  return fmt::format("{} NOT IN ('completed', 'failed')", column);
}

// Columns read_domain() expects, in order: the domain, its schedule, its newest scan.
const std::string kDomainColumns =
    fmt::format("d.id, d.name, d.status, d.bad_reason, {}, d.consecutive_failures, sc.cron, sc.timezone, {}, {}",
                ms("d.created_at"), ms("sc.next_run_at"), kScanColumns);
constexpr std::string_view kDomainFrom =
    " FROM domains d LEFT JOIN schedules sc ON sc.domain_id = d.id "
    "LEFT JOIN scans s ON s.id = (SELECT max(id) FROM scans WHERE domain_id = d.id) ";
constexpr int kDomainOwnColumns = 9;

Scan read_scan(const pqxx::row& r, bool with_result, int first = 0);

// The domain's own columns (the first six of kDomainColumns), without schedule or scan.
Domain read_domain_only(const pqxx::row& r) {
  Domain d;
  d.id = r[0].as<std::int64_t>();
  d.name = r[1].as<std::string>();
  d.status = domain_status_from(r[2].c_str()).value_or(DomainStatus::pending);
  d.bad_reason = optional_text(r[3]);
  d.created_at = time_of(r[4]);
  d.consecutive_failures = r[5].as<int>();
  return d;
}

Domain read_domain(const pqxx::row& r) {
  Domain d = read_domain_only(r);
  if (!r[6].is_null()) d.schedule = Schedule{r[6].as<std::string>(), r[7].as<std::string>(), optional_time(r[8])};
  if (!r[kDomainOwnColumns].is_null()) d.last_scan = read_scan(r, false, kDomainOwnColumns);
  return d;
}

Scan read_scan(const pqxx::row& r, bool with_result, int first) {
  Scan s;
  s.id = r[first + 0].as<std::int64_t>();
  s.domain = r[first + 1].as<std::string>();
  s.status = scan_status_from(r[first + 2].c_str()).value_or(ScanStatus::failed);
  s.trigger = scan_trigger_from(r[first + 3].c_str()).value_or(ScanTrigger::api);
  s.queued_at = time_of(r[first + 4]);
  s.started_at = optional_time(r[first + 5]);
  s.finished_at = optional_time(r[first + 6]);
  s.grade = optional_text(r[first + 7]);
  if (!r[first + 8].is_null()) s.score = r[first + 8].as<int>();
  s.error = optional_text(r[first + 9]);
  s.grade_reason = optional_text(r[first + 10]);
  if (with_result && !r[first + kScanColumnCount].is_null())
    s.result_json = r[first + kScanColumnCount].as<std::string>();
  return s;
}

template <typename... Args>
std::optional<Domain> load_domain(pqxx::work& tx, std::string_view where, Args&&... args) {
  auto r = exec_prepared_sql(tx, fmt::format("SELECT {}{} WHERE {}", kDomainColumns, kDomainFrom, where),
                             std::forward<Args>(args)...);
  if (r.empty()) return std::nullopt;
  return read_domain(r[0]);
}

std::int64_t insert_scan(pqxx::work& tx, std::int64_t domain_id, ScanTrigger trigger) {
  auto r = exec_prepared_sql(
      tx,
      "INSERT INTO scans (domain_id, status, triggered_by, queued_at) VALUES ($1, 'queued', $2, now()) "
      "ON CONFLICT (domain_id) WHERE status = 'queued' DO NOTHING RETURNING id",
      domain_id, std::string(to_string(trigger)));
  if (!r.empty()) return r[0][0].as<std::int64_t>();
  // Another transaction queued one first; that one stands for both.
  return exec_prepared_sql(tx, "SELECT id FROM scans WHERE domain_id = $1 AND status = 'queued'", domain_id)[0][0]
      .as<std::int64_t>();
}

void upsert_schedule(pqxx::work& tx, std::int64_t domain_id, const Schedule& s) {
  exec_prepared_sql(tx,
                    "INSERT INTO schedules (domain_id, cron, timezone, next_run_at, updated_at) "
                    "VALUES ($1, $2, $3, to_timestamp($4::bigint / 1000.0), now()) "
                    "ON CONFLICT (domain_id) DO UPDATE SET cron = excluded.cron, timezone = excluded.timezone, "
                    "next_run_at = excluded.next_run_at, updated_at = excluded.updated_at",
                    domain_id, s.cron, s.timezone, to_ms(s.next_run_at));
}

std::optional<std::int64_t> domain_id_of(pqxx::work& tx, const std::string& name) {
  auto r = exec_prepared_sql(tx, "SELECT id FROM domains WHERE name = $1", name);
  if (r.empty()) return std::nullopt;
  return r[0][0].as<std::int64_t>();
}

// Inserts the names not stored yet (each once), in name order: two transactions adding the
// same names then take the rows' locks in the same order and wait for each other instead of
// deadlocking. Returns the new ones, name -> domain id.
std::map<std::string, std::int64_t, std::less<>> insert_new_domains(pqxx::work& tx,
                                                                    const std::vector<std::string>& names) {
  std::map<std::string, std::int64_t, std::less<>> new_ids;
  for (const auto& row : exec_prepared_sql(
           tx,
           "INSERT INTO domains (name, status, created_at, updated_at) "
           "SELECT DISTINCT name, 'pending', now(), now() FROM unnest($1::text[]) AS t(name) ORDER BY name "
           "ON CONFLICT (name) DO NOTHING RETURNING id, name",
           text_array(names))) {
    new_ids.emplace(row[1].as<std::string>(), row[0].as<std::int64_t>());
  }
  return new_ids;
}

// A fixed key for pg_advisory_xact_lock: processes starting together migrate one at a time.
constexpr std::int64_t kMigrationLockKey = 0x646f6d61696e73;  // "domains"

}  // namespace

PostgresStore::PostgresStore(std::string url, std::size_t pool_size)
    : url_(std::move(url)), pool_(pool_size, [this] { return std::make_unique<PostgresConnection>(url_); }) {}

void PostgresStore::migrate() {
  in_transaction([](pqxx::work& tx) {
    exec_prepared_sql(tx, "SELECT pg_advisory_xact_lock($1)", kMigrationLockKey);
    tx.exec("CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL)");
    std::set<std::string> applied;
    for (const auto& row : tx.exec("SELECT name FROM schema_migrations")) applied.insert(row[0].as<std::string>());
    for (const auto& m : postgres_migrations()) {
      if (applied.contains(m.name)) continue;
      spdlog::info("postgresql: applying migration {}", m.name);
      tx.exec(m.sql);
      exec_prepared_sql(tx, "INSERT INTO schema_migrations (name, applied_at) VALUES ($1, now())", m.name);
    }
  });
}

void PostgresStore::ping() {
  in_transaction([](pqxx::work& tx) { tx.exec("SELECT 1"); });
}

std::unique_ptr<ChangeCounter> PostgresStore::change_counter() { return std::make_unique<PostgresChangeListener>(url_); }

AddDomainResult PostgresStore::add_domain(const std::string& name, const std::optional<Schedule>& schedule,
                                          ScanTrigger trigger) {
  return in_transaction([&](pqxx::work& tx) -> AddDomainResult {
    auto inserted = exec_prepared_sql(
        tx,
        "INSERT INTO domains (name, status, created_at, updated_at) VALUES ($1, 'pending', now(), now()) "
        "ON CONFLICT (name) DO NOTHING RETURNING id",
        name);
    if (inserted.empty()) {
      auto existing = load_domain(tx, "d.name = $1", name);
      if (!existing) throw UnavailableError("postgresql: domain vanished while being added; retry");
      return {*existing, false, existing->last_scan ? existing->last_scan->id : 0};
    }
    const auto domain_id = inserted[0][0].as<std::int64_t>();
    if (schedule) upsert_schedule(tx, domain_id, *schedule);
    const auto scan_id = insert_scan(tx, domain_id, trigger);
    return {*load_domain(tx, "d.id = $1", domain_id), true, scan_id};
  });
}

std::vector<AddDomainResult> PostgresStore::add_domain_each(const std::vector<AddDomainRequest>& requests) {
  if (requests.empty()) return {};
  return in_transaction([&](pqxx::work& tx) {
    std::vector<std::string> names;
    names.reserve(requests.size());
    for (const auto& r : requests) names.push_back(r.name);
    const auto new_ids = insert_new_domains(tx, names);
    // The first request for a new name creates it, with its schedule and its first scan;
    // later ones for the same name find it known.
    std::vector<bool> creates(requests.size(), false);
    std::vector<std::int64_t> created_ids;
    std::vector<std::string> triggers;
    std::set<std::string_view> created;
    for (std::size_t i = 0; i < requests.size(); ++i) {
      const auto it = new_ids.find(requests[i].name);
      if (it == new_ids.end() || !created.insert(it->first).second) continue;
      creates[i] = true;
      created_ids.push_back(it->second);
      triggers.emplace_back(to_string(requests[i].trigger));
      if (requests[i].schedule) upsert_schedule(tx, it->second, *requests[i].schedule);
    }
    std::map<std::int64_t, std::int64_t> scan_of;  // domain id -> its first scan
    if (!created_ids.empty()) {
      for (const auto& row : exec_prepared_sql(tx,
                                               "INSERT INTO scans (domain_id, status, triggered_by, queued_at) "
                                               "SELECT id, 'queued', trigger, now() "
                                               "FROM unnest($1::bigint[], $2::text[]) AS t(id, trigger) "
                                               "RETURNING id, domain_id",
                                               bigint_array(created_ids), text_array(triggers))) {
        scan_of.emplace(row[1].as<std::int64_t>(), row[0].as<std::int64_t>());
      }
    }
    // Every domain as it stands now, known or new, as add_domain returns it.
    std::map<std::string, Domain, std::less<>> domains;
    for (const auto& row : exec_planned_sql(
             tx, fmt::format("SELECT {}{} WHERE d.name = ANY($1::text[])", kDomainColumns, kDomainFrom),
             text_array(names))) {
      auto d = read_domain(row);
      domains.emplace(d.name, std::move(d));
    }
    std::vector<AddDomainResult> answers;
    answers.reserve(requests.size());
    for (std::size_t i = 0; i < requests.size(); ++i) {
      const auto it = domains.find(requests[i].name);
      if (it == domains.end()) {
        // Deleted by another transaction between the insert and the read. Not an
        // UnavailableError: a caller batching requests then retries them one at a time, and
        // only this one fails.
        throw std::runtime_error("postgresql: domain " + requests[i].name + " vanished while being added");
      }
      const auto& d = it->second;
      if (creates[i]) {
        answers.push_back({d, true, scan_of.at(d.id)});
      } else {
        answers.push_back({d, false, d.last_scan ? d.last_scan->id : 0});
      }
    }
    return answers;
  });
}

AddDomainsResult PostgresStore::add_domains(const std::vector<std::string>& names,
                                            const std::optional<Schedule>& schedule, ScanTrigger trigger) {
  if (names.empty()) return {};
  return in_transaction([&](pqxx::work& tx) {
    auto new_ids = insert_new_domains(tx, names);
    std::vector<std::int64_t> ids;
    for (const auto& [name, id] : new_ids) ids.push_back(id);
    AddDomainsResult result;
    if (ids.empty()) {
      result.known = names.size();
      return result;
    }
    if (schedule) {
      exec_prepared_sql(
          tx,
          "INSERT INTO schedules (domain_id, cron, timezone, next_run_at, updated_at) "
          "SELECT id, $2, $3, to_timestamp($4::bigint / 1000.0), now() FROM unnest($1::bigint[]) AS t(id)",
          bigint_array(ids), schedule->cron, schedule->timezone, to_ms(schedule->next_run_at));
    }
    std::map<std::int64_t, std::int64_t> scan_of;  // domain id -> its first scan
    for (const auto& row :
         exec_prepared_sql(tx,
                           "INSERT INTO scans (domain_id, status, triggered_by, queued_at) "
                           "SELECT id, 'queued', $2, now() FROM unnest($1::bigint[]) AS t(id) RETURNING id, domain_id",
                           bigint_array(ids), std::string(to_string(trigger)))) {
      scan_of.emplace(row[1].as<std::int64_t>(), row[0].as<std::int64_t>());
    }
    for (const auto& name : names) {
      const auto it = new_ids.find(name);
      if (it == new_ids.end()) {
        ++result.known;
        continue;
      }
      result.added.push_back({scan_of.at(it->second), name, trigger});
      new_ids.erase(it);  // a repeat of the name further down the list is known
    }
    return result;
  });
}

std::optional<Domain> PostgresStore::find_domain(const std::string& name) {
  return in_transaction([&](pqxx::work& tx) { return load_domain(tx, "d.name = $1", name); });
}

DomainPage PostgresStore::list_domains(const DomainQuery& query) {
  return in_transaction([&](pqxx::work& tx) {
    std::optional<std::string> status;
    if (query.status) status = std::string(to_string(*query.status));
    auto rows = exec_prepared_sql(tx,
                                  fmt::format("SELECT {}{} WHERE ($1::text IS NULL OR d.status = $1) "
                                              "AND ($2::text IS NULL OR d.name > $2) ORDER BY d.name LIMIT $3",
                                              kDomainColumns, kDomainFrom),
                                  status, query.after, static_cast<std::int64_t>(query.limit + 1));
    DomainPage page;
    for (const auto& row : rows) page.items.push_back(read_domain(row));
    page.next_cursor = trim_page(page.items, query.limit, [](const Domain& d) { return d.name; });
    return page;
  });
}

bool PostgresStore::delete_domain(const std::string& name) {
  return in_transaction([&](pqxx::work& tx) {
    return exec_prepared_sql(tx, "DELETE FROM domains WHERE name = $1", name).affected_rows() > 0;
  });
}

bool PostgresStore::set_schedule(const std::string& name, const Schedule& schedule) {
  return in_transaction([&](pqxx::work& tx) {
    const auto id = domain_id_of(tx, name);
    if (!id) return false;
    upsert_schedule(tx, *id, schedule);
    return true;
  });
}

bool PostgresStore::delete_schedule(const std::string& name) {
  return in_transaction([&](pqxx::work& tx) {
    return exec_prepared_sql(tx, "DELETE FROM schedules WHERE domain_id = (SELECT id FROM domains WHERE name = $1)",
                             name)
               .affected_rows() > 0;
  });
}

std::optional<QueueScanResult> PostgresStore::queue_scan(const std::string& name, ScanTrigger trigger) {
  return in_transaction([&](pqxx::work& tx) -> std::optional<QueueScanResult> {
    const auto id = domain_id_of(tx, name);
    if (!id) return std::nullopt;
    auto queued = exec_prepared_sql(tx, "SELECT id FROM scans WHERE domain_id = $1 AND status = 'queued'", *id);
    if (!queued.empty()) return QueueScanResult{queued[0][0].as<std::int64_t>(), false};
    return QueueScanResult{insert_scan(tx, *id, trigger), true};
  });
}

std::optional<Scan> PostgresStore::find_scan(std::int64_t id) {
  return in_transaction([&](pqxx::work& tx) -> std::optional<Scan> {
    auto r = exec_prepared_sql(
        tx,
        fmt::format("SELECT {}, s.result::text FROM scans s JOIN domains d ON d.id = s.domain_id WHERE s.id = $1",
                    kScanColumns),
        id);
    if (r.empty()) return std::nullopt;
    return read_scan(r[0], true);
  });
}

std::vector<Scan> PostgresStore::list_scans(const std::string& name, std::size_t limit) {
  return in_transaction([&](pqxx::work& tx) {
    auto rows = exec_prepared_sql(tx,
                                  fmt::format("SELECT {} FROM scans s JOIN domains d ON d.id = s.domain_id "
                                              "WHERE d.name = $1 ORDER BY s.id DESC LIMIT $2",
                                              kScanColumns),
                                  name, static_cast<std::int64_t>(limit));
    std::vector<Scan> out;
    for (const auto& row : rows) out.push_back(read_scan(row, false));
    return out;
  });
}

std::vector<Store::ClaimAnswer> PostgresStore::claim_scans(const std::vector<std::int64_t>& ids,
                                                           const ClaimLease& lease) {
  std::vector<ClaimAnswer> answers(ids.size());
  if (ids.empty()) return answers;
  return in_transaction([&](pqxx::work& tx) {
    // One statement takes the scans and returns them: the update locks each row, so two
    // workers claiming the same scan take turns, and the second sees the first's lease.
    std::map<std::int64_t, Claim> claimed;  // by scan id
    // The domains are read by id in a second statement, each by its primary key whatever the
    // planner's statistics say (joined to the update, its plan depended on them), and without
    // their schedule and newest scan, which a worker does not need (the newest scan is the one
    // being claimed). The scan's name column is filled from its domain.
    std::vector<std::int64_t> domain_ids;
    for (const auto& row : exec_planned_sql(
             tx,
             fmt::format("UPDATE scans SET status = 'running', started_at = now(), claimed_by = $2, "
                         "claimed_until = now() + $3 * interval '1 millisecond' WHERE id = ANY($1::bigint[]) "
                         "AND {} AND (status = 'queued' OR claimed_until IS NULL OR claimed_until < now() "
                         "OR claimed_by = $2) "
                         "RETURNING id, '', status, triggered_by, {}, {}, {}, grade, score, error, grade_reason, domain_id",
                         not_finished(), ms("queued_at"), ms("started_at"), ms("finished_at")),
             bigint_array(ids), lease.owner, static_cast<std::int64_t>(lease.length.count()))) {
      Claim claim;
      claim.scan = read_scan(row, false);
      claim.domain.id = row[kScanColumnCount].as<std::int64_t>();
      domain_ids.push_back(claim.domain.id);
      const auto id = claim.scan.id;
      claimed.emplace(id, std::move(claim));
    }
    if (!claimed.empty()) {
      std::map<std::int64_t, Domain> domains;
      for (const auto& row : exec_planned_sql(
               tx,
               fmt::format("SELECT d.id, d.name, d.status, d.bad_reason, {}, d.consecutive_failures FROM domains d "
                           "WHERE d.id = ANY($1::bigint[])",
                           ms("d.created_at")),
               bigint_array(domain_ids))) {
        auto d = read_domain_only(row);
        domains.emplace(d.id, std::move(d));
      }
      for (auto& [id, claim] : claimed) {
        claim.domain = domains.at(claim.domain.id);  // the scan's row holds the domain's: it is there
        claim.scan.domain = claim.domain.name;
      }
    }
    // Each scan's newest completed predecessor (with its result) and its domain's sent alerts.
    std::vector<std::int64_t> claimed_ids, their_domains;
    for (const auto& [id, claim] : claimed) {
      claimed_ids.push_back(id);
      their_domains.push_back(claim.domain.id);
    }
    if (!claimed.empty()) {
      for (const auto& row : exec_prepared_sql(
               tx,
               fmt::format("SELECT c.scan_id, p.* FROM unnest($1::bigint[], $2::bigint[]) AS c(scan_id, domain_id) "
                           "CROSS JOIN LATERAL (SELECT {}, s.result::text FROM scans s JOIN domains d ON d.id = "
                           "s.domain_id WHERE s.domain_id = c.domain_id AND s.status = 'completed' AND s.id < "
                           "c.scan_id ORDER BY s.id DESC LIMIT 1) p",
                           kScanColumns),
               bigint_array(claimed_ids), bigint_array(their_domains))) {
        claimed[row[0].as<std::int64_t>()].previous = read_scan(row, true, 1);
      }
      std::map<std::int64_t, std::vector<ExpiryAlert>> alerts;
      for (const auto& row : exec_planned_sql(
               tx, "SELECT domain_id, kind, subject, threshold FROM expiry_alerts WHERE domain_id = ANY($1::bigint[])",
               bigint_array(their_domains))) {
        alerts[row[0].as<std::int64_t>()].push_back(
            ExpiryAlert{row[1].as<std::string>(), row[2].as<std::string>(), row[3].as<int>()});
      }
      for (auto& [id, claim] : claimed) claim.sent_alerts = alerts[claim.domain.id];
    }
    // What was not claimed is either held by another worker's lease or finished (or gone).
    std::vector<std::int64_t> others;
    for (const auto id : ids) {
      if (!claimed.contains(id)) others.push_back(id);
    }
    std::set<std::int64_t> held;
    if (!others.empty()) {
      for (const auto& row : exec_planned_sql(
               tx, "SELECT id FROM scans WHERE id = ANY($1::bigint[]) AND " + still_running(), bigint_array(others))) {
        held.insert(row[0].as<std::int64_t>());
      }
    }
    for (std::size_t i = 0; i < ids.size(); ++i) {
      // A scan asked for twice in one batch is claimed once: the second answer is "held".
      if (auto it = claimed.find(ids[i]); it != claimed.end()) {
        answers[i].claim = std::move(it->second);
        claimed.erase(it);
        held.insert(ids[i]);
      } else {
        answers[i].held = held.contains(ids[i]);
      }
    }
    return answers;
  });
}

std::size_t PostgresStore::renew_claims(const std::vector<std::int64_t>& ids, const ClaimLease& lease) {
  if (ids.empty()) return 0;
  return in_transaction([&](pqxx::work& tx) {
    return static_cast<std::size_t>(
        exec_planned_sql(tx,
                         "UPDATE scans SET claimed_until = now() + $3 * interval '1 millisecond' "
                         "WHERE id = ANY($1::bigint[]) AND " + still_running() + " AND claimed_by = $2",
                         bigint_array(ids), lease.owner, static_cast<std::int64_t>(lease.length.count()))
            .affected_rows());
  });
}

namespace {

// What the stored completions caused beyond their scan and domain rows: their events, each
// with its webhook deliveries, in one statement for the whole batch however many events it
// has (nearly every scan of a name that does not exist makes a domain.bad event: two
// statements an event were a tenth of the database's time a scan), numbered in the batch's
// order as if stored one after the other; and their expiry alerts, a statement each (few
// scans cause any). An expiry event (`once`) is stored only if its alert was not sent
// before, by another worker.
void record_consequences(pqxx::work& tx, const std::vector<const ScanCompletion*>& stored,
                         const std::map<std::int64_t, std::int64_t>& domain_of) {
  const auto record_alert = [&](std::int64_t domain_id, const ExpiryAlert& a) {
    return exec_prepared_sql(tx,
                             "INSERT INTO expiry_alerts (domain_id, kind, subject, threshold) VALUES ($1, $2, $3, $4) "
                             "ON CONFLICT DO NOTHING",
                             domain_id, a.kind, a.subject, a.threshold)
               .affected_rows() > 0;
  };
  std::vector<std::int64_t> domain_ids, scan_ids;
  std::vector<std::optional<std::int64_t>> previous_ids;
  std::vector<std::string> types, data;
  for (const auto* c : stored) {
    const auto domain_id = domain_of.at(c->scan_id);
    for (const auto& e : c->events) {
      if (e.once && !record_alert(domain_id, *e.once)) continue;  // told already (another worker, same domain)
      domain_ids.push_back(domain_id);
      scan_ids.push_back(c->scan_id);
      previous_ids.push_back(e.previous_scan_id);
      types.push_back(e.type);
      data.push_back(e.data_json);
    }
    for (const auto& a : c->alerts) record_alert(domain_id, a);
  }
  if (types.empty()) return;
  // Milliseconds, as the API shows them: "since" an event's own time includes it. And a
  // delivery for every enabled webhook that wants the event's type and domain.
  exec_prepared_sql(
      tx,
      "WITH e AS (INSERT INTO events (domain_id, type, created_at, scan_id, previous_scan_id, data) "
      "  SELECT v.domain_id, v.type, date_trunc('milliseconds', now()), v.scan_id, v.previous_id, v.data::jsonb "
      "  FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::bigint[], $5::text[]) WITH ORDINALITY "
      "    AS v(domain_id, type, scan_id, previous_id, data, n) ORDER BY v.n "
      "  RETURNING seq, type, domain_id) "
      "INSERT INTO deliveries (webhook_id, event_seq, created_at, next_attempt_at) "
      "SELECT w.id, e.seq, now(), now() FROM e JOIN webhooks w ON w.disabled_at IS NULL "
      "AND EXISTS (SELECT 1 FROM webhook_events we WHERE we.webhook_id = w.id AND we.type IN ('*', e.type)) "
      "AND (NOT EXISTS (SELECT 1 FROM webhook_domains wd WHERE wd.webhook_id = w.id) "
      "  OR EXISTS (SELECT 1 FROM webhook_domains wd JOIN domains d ON d.name = wd.domain "
      "             WHERE wd.webhook_id = w.id AND d.id = e.domain_id)) "
      "ORDER BY e.seq",
      bigint_array(domain_ids), text_array(types), bigint_array(scan_ids), int_array(previous_ids), text_array(data));
}

// Completions inside the caller's transaction, as if stored one after the other: for each,
// false if its scan was not running (or came earlier in the same batch). The scans' rows
// are written by one statement and the domains' by another, whatever the batch's size: a
// row's statements each were most of the database's time a scan.
std::vector<bool> complete_in(pqxx::work& tx, const std::vector<ScanCompletion>& completions) {
  std::vector<bool> stored(completions.size(), false);
  // Each scan once: the first of a repeated id is the one stored, as one after the other.
  std::vector<std::size_t> firsts;
  std::set<std::int64_t> seen;
  for (std::size_t i = 0; i < completions.size(); ++i) {
    if (seen.insert(completions[i].scan_id).second) firsts.push_back(i);
  }
  std::vector<std::int64_t> ids;
  std::vector<std::optional<std::string>> statuses, grades, errors, results, reasons;
  std::vector<std::optional<int>> scores;
  for (const auto i : firsts) {
    const auto& c = completions[i];
    ids.push_back(c.scan_id);
    statuses.emplace_back(std::string(to_string(c.status)));
    grades.push_back(c.grade);
    scores.push_back(c.score);
    errors.push_back(c.error);
    results.push_back(c.result_json.empty() ? std::nullopt : std::optional<std::string>(c.result_json));
    reasons.push_back(c.grade_reason);
  }
  std::map<std::int64_t, std::int64_t> domain_of;  // scan id -> domain id, of the scans stored
  for (const auto& row : exec_planned_sql(
           tx,
           "UPDATE scans s SET status = v.status, finished_at = now(), grade = v.grade, score = v.score, "
           "error = v.error, result = v.result::jsonb, grade_reason = v.grade_reason "
           "FROM unnest($1::bigint[], $2::text[], $3::text[], $4::int[], $5::text[], $6::text[], $7::text[]) "
           "AS v(id, status, grade, score, error, result, grade_reason) "
           "WHERE s.id = v.id AND " + still_running("s.status") + " RETURNING s.id, s.domain_id",
           bigint_array(ids), text_array(statuses), text_array(grades), int_array(scores), text_array(errors),
           text_array(results), text_array(reasons))) {
    domain_of[row[0].as<std::int64_t>()] = row[1].as<std::int64_t>();
  }
  if (domain_of.empty()) return stored;

  // Each domain as its last stored completion leaves it.
  std::map<std::int64_t, std::size_t> last_of_domain;
  for (const auto i : firsts) {
    if (auto it = domain_of.find(completions[i].scan_id); it != domain_of.end()) {
      stored[i] = true;
      last_of_domain[it->second] = i;
    }
  }
  std::vector<std::int64_t> domain_ids;
  std::vector<std::optional<std::string>> domain_statuses, bad_reasons;
  std::vector<std::optional<int>> failures;
  for (const auto& [domain_id, i] : last_of_domain) {
    domain_ids.push_back(domain_id);
    domain_statuses.emplace_back(std::string(to_string(completions[i].domain_status)));
    bad_reasons.push_back(completions[i].bad_reason);
    failures.push_back(completions[i].consecutive_failures);
  }
  exec_planned_sql(tx,
                   "UPDATE domains d SET status = v.status, bad_reason = v.bad_reason, "
                   "consecutive_failures = v.failures, updated_at = now() "
                   "FROM unnest($1::bigint[], $2::text[], $3::text[], $4::int[]) AS v(id, status, bad_reason, failures) "
                   "WHERE d.id = v.id",
                   bigint_array(domain_ids), text_array(domain_statuses), text_array(bad_reasons), int_array(failures));

  std::vector<const ScanCompletion*> in_order;
  for (std::size_t i = 0; i < completions.size(); ++i) {
    if (stored[i]) in_order.push_back(&completions[i]);
  }
  record_consequences(tx, in_order, domain_of);
  return stored;
}

}  // namespace

bool PostgresStore::complete_scan(const ScanCompletion& c) {
  // -> bool: front() of a vector<bool> is a proxy into the vector, gone with it.
  return in_transaction([&](pqxx::work& tx) -> bool { return complete_in(tx, {c}).front(); });
}

std::vector<bool> PostgresStore::complete_scans(const std::vector<ScanCompletion>& completions) {
  if (completions.empty()) return {};
  return in_transaction([&](pqxx::work& tx) { return complete_in(tx, completions); });
}

bool PostgresStore::fail_scan(std::int64_t id, const std::string& error) {
  return in_transaction([&](pqxx::work& tx) {
    return !exec_prepared_sql(tx,
                              "UPDATE scans SET status = 'failed', finished_at = now(), error = $1 "
                              "WHERE id = $2 AND " + not_finished() + " RETURNING id",
                              error, id)
                .empty();
  });
}

void PostgresStore::mark_published(const std::vector<std::int64_t>& scan_ids) {
  if (scan_ids.empty()) return;
  in_transaction([&](pqxx::work& tx) {
    // published_at only spares the sweeper a re-publish, so this write need not wait for the
    // disk (lost in a crash: the request is published again, and consumers are idempotent);
    // and it skips rows a worker has claimed or is claiming (locked): a claimed scan is no
    // longer queued, so the sweeper would not touch it anyway, and writing a row costs an
    // entry in each of the table's indexes. Waiting for each other's row locks (through an
    // fsync each) was the single POST's largest cost next to workers.
    tx.exec("SET LOCAL synchronous_commit = off");
    exec_planned_sql(tx,
                     fmt::format("UPDATE scans SET published_at = now() WHERE id IN (SELECT id FROM scans WHERE id = "
                                 "ANY($1::bigint[]) AND published_at IS NULL AND {} FOR UPDATE SKIP LOCKED)",
                                 still_queued()),
                     bigint_array(scan_ids));
  });
}

std::vector<ScanRef> PostgresStore::take_unpublished_scans(std::chrono::milliseconds min_age, std::size_t limit) {
  return in_transaction([&](pqxx::work& tx) {
    std::vector<ScanRef> out;
    const auto take = [&](std::string_view which, std::string_view order) {
      if (out.size() >= limit) return;
      // Each kind through its own index (scans_unpublished, scans_unfinished): one statement
      // with an OR of both would walk the whole table in id order when neither matches.
      for (const auto& row : exec_prepared_sql(
               tx,
               fmt::format("UPDATE scans s SET swept_at = now() FROM domains d WHERE d.id = s.domain_id AND s.id IN ("
                           "SELECT id FROM scans WHERE {} AND (swept_at IS NULL OR swept_at <= now() - $1 * "
                           "interval '1 millisecond') ORDER BY {} LIMIT $2 FOR UPDATE SKIP LOCKED) "
                           "RETURNING s.id, d.name, s.triggered_by",
                           which, order),
               static_cast<std::int64_t>(min_age.count()), static_cast<std::int64_t>(limit - out.size()))) {
        out.push_back({row[0].as<std::int64_t>(), row[1].as<std::string>(),
                       scan_trigger_from(row[2].c_str()).value_or(ScanTrigger::api)});
      }
    };
    take("status = 'queued' AND published_at IS NULL AND queued_at <= now() - $1 * interval '1 millisecond'",
         "queued_at");
    take("status = 'running' AND claimed_until < now()", "status, id");
    std::sort(out.begin(), out.end(), [](const ScanRef& a, const ScanRef& b) { return a.scan_id < b.scan_id; });
    return out;
  });
}

PruneStep PostgresStore::prune_scans(const ScanRetention& retention, std::int64_t after_domain_id, std::size_t domains,
                                     TimePoint now) {
  PruneStep step;
  if (retention.keeps_everything()) return step;
  return in_transaction([&](pqxx::work& tx) {
    const auto last = exec_prepared_sql(tx, "SELECT max(id) FROM (SELECT id FROM domains WHERE id > $1 ORDER BY id LIMIT $2) d",
                                        after_domain_id, static_cast<std::int64_t>(domains));
    if (last.empty() || last[0][0].is_null()) return step;
    step.next_after = last[0][0].as<std::int64_t>();
    std::optional<std::int64_t> cutoff_ms;
    if (retention.max_age) cutoff_ms = to_ms(now - *retention.max_age);
    // Ranked newest first within each domain, through scans_domain_newest; deleted only when
    // some are due: every DELETE statement notifies the api processes (migration 008), whose
    // read caches then start over.
    std::vector<std::int64_t> doomed;
    for (const auto& row : exec_prepared_sql(
             tx,
             "SELECT id FROM (SELECT id, status, COALESCE(finished_at, queued_at) AS at, "
             "row_number() OVER (PARTITION BY domain_id ORDER BY id DESC) AS rank "
             "FROM scans WHERE domain_id > $1 AND domain_id <= $2) r "
             "WHERE status IN ('completed', 'failed') AND (rank > $3 OR "
             "(at < to_timestamp($4::bigint / 1000.0) AND rank > $5))",
             after_domain_id, *step.next_after,
             static_cast<std::int64_t>(retention.max_count.value_or(std::numeric_limits<int>::max())), cutoff_ms,
             static_cast<std::int64_t>(retention.always_keep))) {
      doomed.push_back(row[0].as<std::int64_t>());
    }
    if (!doomed.empty()) exec_planned_sql(tx, "DELETE FROM scans WHERE id = ANY($1::bigint[])", bigint_array(doomed));
    step.deleted = doomed.size();
    return step;
  });
}

std::vector<ScanRef> PostgresStore::unfinished_scans() {
  return in_transaction([](pqxx::work& tx) {
    std::vector<ScanRef> out;
    for (const auto& row :
         tx.exec("SELECT s.id, d.name, s.triggered_by FROM scans s JOIN domains d ON d.id = s.domain_id "
                 "WHERE s.status IN ('queued', 'running') ORDER BY s.id")) {
      out.push_back({row[0].as<std::int64_t>(), row[1].as<std::string>(),
                     scan_trigger_from(row[2].c_str()).value_or(ScanTrigger::api)});
    }
    return out;
  });
}

namespace {

void move_next_run(pqxx::work& tx, std::int64_t domain_id, TimePoint next) {
  exec_prepared_sql(tx, "UPDATE schedules SET next_run_at = to_timestamp($2::bigint / 1000.0) WHERE domain_id = $1",
                    domain_id, next.time_since_epoch().count());
}

}  // namespace

std::size_t PostgresStore::plan_schedules(TimePoint now, std::size_t limit, const NextRun& next_run) {
  return in_transaction([&](pqxx::work& tx) {
    const auto rows = exec_prepared_sql(
        tx, "SELECT domain_id, cron, timezone FROM schedules WHERE next_run_at IS NULL LIMIT $1 FOR UPDATE SKIP LOCKED",
        static_cast<std::int64_t>(limit));
    for (const auto& r : rows) {
      const Schedule schedule{r[1].as<std::string>(), r[2].as<std::string>(), std::nullopt};
      move_next_run(tx, r[0].as<std::int64_t>(), next_run_or_later(next_run, schedule, now));
    }
    return static_cast<std::size_t>(rows.size());
  });
}

FiringReport PostgresStore::fire_due_schedules(TimePoint now, std::size_t limit, const NextRun& next_run) {
  return in_transaction([&](pqxx::work& tx) {
    // SKIP LOCKED: rows another scheduler is firing are left to it; by the time it commits
    // their next_run_at has moved on, so no run is fired twice.
    const auto rows = exec_prepared_sql(
        tx,
        "SELECT d.id, d.name, d.status, sc.cron, sc.timezone FROM schedules sc JOIN domains d ON d.id = sc.domain_id "
        "WHERE sc.next_run_at <= to_timestamp($1::bigint / 1000.0) ORDER BY sc.next_run_at LIMIT $2 "
        "FOR UPDATE OF sc SKIP LOCKED",
        now.time_since_epoch().count(), static_cast<std::int64_t>(limit));
    FiringReport report;
    report.taken = rows.size();
    for (const auto& r : rows) {
      const auto domain_id = r[0].as<std::int64_t>();
      const auto name = r[1].as<std::string>();
      const Schedule schedule{r[3].as<std::string>(), r[4].as<std::string>(), std::nullopt};
      if (r[2].as<std::string>() == to_string(DomainStatus::bad)) {
        ++report.skipped_bad;
      } else {
        const auto inserted = exec_prepared_sql(
            tx,
            "INSERT INTO scans (domain_id, status, triggered_by, queued_at) VALUES ($1, 'queued', 'schedule', now()) "
            "ON CONFLICT (domain_id) WHERE status = 'queued' DO NOTHING RETURNING id",
            domain_id);
        if (inserted.empty()) {
          ++report.skipped_queued;
        } else {
          report.queued.push_back({inserted[0][0].as<std::int64_t>(), name, ScanTrigger::schedule});
        }
      }
      move_next_run(tx, domain_id, next_run_or_later(next_run, schedule, now));
    }
    return report;
  });
}

ApiCallDecision PostgresStore::reserve_api_call(const std::string& api, TimePoint now, const ApiBudgetPolicy& policy) {
  return in_transaction([&](pqxx::work& tx) {
    // The row exists before it is locked, so that two first callers serialise on it too.
    exec_prepared_sql(
        tx,
        "INSERT INTO api_budgets (api, next_call_at_ms, day, day_count, backoff_until_ms) VALUES ($1, 0, 0, 0, 0) "
        "ON CONFLICT (api) DO NOTHING",
        api);
    const auto row = exec_prepared_sql1(
        tx, "SELECT next_call_at_ms, day, day_count, backoff_until_ms FROM api_budgets WHERE api = $1 FOR UPDATE", api);
    ApiBudgetState state;
    state.next_call_at = TimePoint(std::chrono::milliseconds(row[0].as<std::int64_t>()));
    state.day = row[1].as<std::int64_t>();
    state.day_count = row[2].as<int>();
    state.backoff_until = TimePoint(std::chrono::milliseconds(row[3].as<std::int64_t>()));
    const auto decision = decide_api_call(state, now, policy);
    if (decision.verdict == ApiCallVerdict::granted) {
      exec_prepared_sql(tx, "UPDATE api_budgets SET next_call_at_ms = $2, day = $3, day_count = $4 WHERE api = $1", api,
                        state.next_call_at.time_since_epoch().count(), state.day, state.day_count);
    }
    return decision;
  });
}

void PostgresStore::back_off_api(const std::string& api, TimePoint until) {
  in_transaction([&](pqxx::work& tx) {
    exec_prepared_sql(
        tx,
        "INSERT INTO api_budgets (api, next_call_at_ms, day, day_count, backoff_until_ms) VALUES ($1, 0, 0, 0, $2) "
        "ON CONFLICT (api) DO UPDATE SET backoff_until_ms = "
        "greatest(api_budgets.backoff_until_ms, excluded.backoff_until_ms)",
        api, until.time_since_epoch().count());
  });
}

std::optional<ApiAnswer> PostgresStore::find_api_answer(const std::string& api, const std::string& key,
                                                        TimePoint fresh_after) {
  return in_transaction([&](pqxx::work& tx) -> std::optional<ApiAnswer> {
    auto r = exec_prepared_sql(
        tx, "SELECT fetched_at_ms, body FROM api_answers WHERE api = $1 AND key = $2 AND fetched_at_ms >= $3", api, key,
        fresh_after.time_since_epoch().count());
    if (r.empty()) return std::nullopt;
    return ApiAnswer{TimePoint(std::chrono::milliseconds(r[0][0].as<std::int64_t>())), r[0][1].as<std::string>()};
  });
}

void PostgresStore::store_api_answer(const std::string& api, const std::string& key, const ApiAnswer& answer,
                                     TimePoint drop_before) {
  in_transaction([&](pqxx::work& tx) {
    exec_prepared_sql(
        tx,
        "INSERT INTO api_answers (api, key, fetched_at_ms, body) VALUES ($1, $2, $3, $4) "
        "ON CONFLICT (api, key) DO UPDATE SET fetched_at_ms = excluded.fetched_at_ms, body = excluded.body",
        api, key, answer.fetched_at.time_since_epoch().count(), answer.body);
    exec_prepared_sql(tx, "DELETE FROM api_answers WHERE api = $1 AND fetched_at_ms < $2", api,
                      drop_before.time_since_epoch().count());
  });
}

EventPage PostgresStore::list_events(const EventQuery& query) {
  return in_transaction([&](pqxx::work& tx) {
    // (An unnamed statement is planned with its parameters' values, so the filters not
    // given fold away and the others narrow through their index.)
    auto rows = exec_prepared_sql(
        tx,
        fmt::format("SELECT e.seq, d.name, e.type, {}, e.scan_id, e.previous_scan_id, e.data::text "
                    "FROM events e JOIN domains d ON d.id = e.domain_id "
                    "WHERE ($1::text IS NULL OR d.name = $1) AND ($2::text IS NULL OR e.type = $2) "
                    "AND ($3::bigint IS NULL OR e.created_at >= to_timestamp($3::bigint / 1000.0)) "
                    "AND ($4::bigint IS NULL OR e.seq < $4) ORDER BY e.seq DESC LIMIT $5",
                    ms("e.created_at")),
        query.domain, query.type, to_ms(query.since), query.before_seq, static_cast<std::int64_t>(query.limit + 1));
    EventPage page;
    for (const auto& r : rows) {
      Event e;
      e.seq = r[0].as<std::int64_t>();
      e.domain = r[1].as<std::string>();
      e.type = r[2].as<std::string>();
      e.created_at = time_of(r[3]);
      if (!r[4].is_null()) e.scan_id = r[4].as<std::int64_t>();
      if (!r[5].is_null()) e.previous_scan_id = r[5].as<std::int64_t>();
      e.data_json = r[6].as<std::string>();
      page.items.push_back(std::move(e));
    }
    page.next_cursor = trim_page(page.items, query.limit, [](const Event& e) { return std::to_string(e.seq); });
    return page;
  });
}

StoreStats PostgresStore::stats() {
  return in_transaction([](pqxx::work& tx) {
    StoreStats s;
    for (const auto& row : tx.exec("SELECT status, count(*) FROM domains GROUP BY status")) {
      s.add_domains(row[0].c_str(), row[1].as<std::int64_t>());
    }
    for (const auto& row : tx.exec("SELECT status, count(*) FROM scans WHERE status IN ('queued', 'running') GROUP BY status")) {
      s.add_scans(row[0].c_str(), row[1].as<std::int64_t>());
    }
    for (const auto& row : tx.exec("SELECT api, day, day_count FROM api_budgets")) {
      s.api_calls_by_day[row[0].as<std::string>()] = {row[1].as<std::int64_t>(), row[2].as<std::int64_t>()};
    }
    return s;
  });
}

}  // namespace domainscan::store::postgres
