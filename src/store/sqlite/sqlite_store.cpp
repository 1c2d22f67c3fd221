#include "store/sqlite/sqlite_store.hpp"

#include "core/time_format.hpp"
#include "store/migrations.hpp"
#include "store/next_run.hpp"
#include "store/paging.hpp"
#include "store/sqlite/sqlite_change_counter.hpp"
#include "store/sqlite/sqlite_fields.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <limits>
#include <set>

namespace domainscan::store::sqlite {
namespace {

// Columns read_scan() expects, in order, for a scan aliased s of a domain aliased d; a
// result column may follow (read only when asked for).
constexpr std::string_view kScanColumns =
    "s.id, d.name, s.status, s.triggered_by, s.queued_at, s.started_at, s.finished_at, s.grade, s.score, s.error, "
    "s.grade_reason";
constexpr int kScanColumnCount = 11;

// Columns read_domain() expects, in order: the domain, its schedule, its newest scan.
const std::string kDomainColumns =
    fmt::format("d.id, d.name, d.status, d.bad_reason, d.created_at, d.consecutive_failures, "
                "sc.cron, sc.timezone, sc.next_run_at, {}",
                kScanColumns);
constexpr std::string_view kDomainFrom =
    " FROM domains d LEFT JOIN schedules sc ON sc.domain_id = d.id "
    "LEFT JOIN scans s ON s.id = (SELECT max(id) FROM scans WHERE domain_id = d.id) ";
constexpr int kDomainOwnColumns = 9;

Scan read_scan(const Statement& st, bool with_result, int first = 0);

Domain read_domain(const Statement& st) {
  Domain d;
  d.id = st.int64(0);
  d.name = st.text(1);
  d.status = domain_status_from(st.text(2)).value_or(DomainStatus::pending);
  d.bad_reason = st.optional_text(3);
  d.created_at = time_of(st.text(4));
  d.consecutive_failures = static_cast<int>(st.int64(5));
  if (!st.is_null(6)) d.schedule = Schedule{st.text(6), st.text(7), optional_time(st, 8)};
  if (!st.is_null(kDomainOwnColumns)) d.last_scan = read_scan(st, false, kDomainOwnColumns);
  return d;
}

Scan read_scan(const Statement& st, bool with_result, int first) {
  Scan s;
  s.id = st.int64(first + 0);
  s.domain = st.text(first + 1);
  s.status = scan_status_from(st.text(first + 2)).value_or(ScanStatus::failed);
  s.trigger = scan_trigger_from(st.text(first + 3)).value_or(ScanTrigger::api);
  s.queued_at = time_of(st.text(first + 4));
  s.started_at = optional_time(st, first + 5);
  s.finished_at = optional_time(st, first + 6);
  s.grade = st.optional_text(first + 7);
  if (auto score = st.optional_int64(first + 8)) s.score = static_cast<int>(*score);
  s.error = st.optional_text(first + 9);
  s.grade_reason = st.optional_text(first + 10);
  if (with_result) s.result_json = st.optional_text(first + kScanColumnCount).value_or("");
  return s;
}

std::optional<Domain> load_domain(Connection& conn, std::string_view where, const auto&... args) {
  auto st = conn.prepare(fmt::format("SELECT {}{} WHERE {}", kDomainColumns, kDomainFrom, where));
  st.bind_all(args...);
  if (!st.step()) return std::nullopt;
  return read_domain(st);
}

std::optional<std::int64_t> queued_scan_of(Connection& conn, std::int64_t domain_id) {
  auto st = conn.prepare("SELECT id FROM scans WHERE domain_id = ? AND status = 'queued'");
  st.bind_all(domain_id);
  if (!st.step()) return std::nullopt;
  return st.int64(0);
}

std::int64_t insert_scan(Connection& conn, std::int64_t domain_id, ScanTrigger trigger) {
  conn.prepare("INSERT INTO scans (domain_id, status, triggered_by, queued_at) VALUES (?, 'queued', ?, ?)")
      .bind_all(domain_id, to_string(trigger), now_text())
      .run();
  return conn.last_insert_rowid();
}

void upsert_schedule(Connection& conn, std::int64_t domain_id, const Schedule& schedule) {
  std::optional<std::string> next;
  if (schedule.next_run_at) next = to_rfc3339(*schedule.next_run_at);
  conn.prepare(
          "INSERT INTO schedules (domain_id, cron, timezone, next_run_at, updated_at) VALUES (?, ?, ?, ?, ?) "
          "ON CONFLICT (domain_id) DO UPDATE SET cron = excluded.cron, timezone = excluded.timezone, "
          "next_run_at = excluded.next_run_at, updated_at = excluded.updated_at")
      .bind_all(domain_id, schedule.cron, schedule.timezone, next, now_text())
      .run();
}

std::optional<std::int64_t> domain_id_of(Connection& conn, const std::string& name) {
  auto st = conn.prepare("SELECT id FROM domains WHERE name = ?");
  st.bind_all(name);
  if (!st.step()) return std::nullopt;
  return st.int64(0);
}

// Store::add_domain's work, inside the caller's transaction.
AddDomainResult add_one_domain(Connection& conn, const std::string& name, const std::optional<Schedule>& schedule,
                               ScanTrigger trigger) {
  if (auto existing = load_domain(conn, "d.name = ?", name)) {
    return {*existing, false, existing->last_scan ? existing->last_scan->id : 0};
  }
  const auto now = now_text();
  conn.prepare("INSERT INTO domains (name, status, created_at, updated_at) VALUES (?, 'pending', ?, ?)")
      .bind_all(name, now, now)
      .run();
  const auto domain_id = conn.last_insert_rowid();
  if (schedule) upsert_schedule(conn, domain_id, *schedule);
  const auto scan_id = insert_scan(conn, domain_id, trigger);
  return {*load_domain(conn, "d.id = ?", domain_id), true, scan_id};
}

}  // namespace

SqliteStore::SqliteStore(const std::string& path, std::size_t pool_size)
    : path_(path), pool_(path == ":memory:" ? 1 : pool_size, [path] { return std::make_unique<Connection>(path); }) {}

std::unique_ptr<ChangeCounter> SqliteStore::change_counter() {
  // An in-memory database is the pool's one connection: another cannot see it.
  if (path_ == ":memory:" || path_.find("mode=memory") != std::string::npos) return nullptr;
  return std::make_unique<SqliteChangeCounter>(path_);
}

void SqliteStore::migrate() {
  auto conn = pool_.acquire();
  conn->exec("CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)");
  Transaction tx(*conn);
  std::set<std::string> applied;
  auto st = conn->prepare("SELECT name FROM schema_migrations");
  while (st.step()) applied.insert(st.text(0));
  for (const auto& m : sqlite_migrations()) {
    if (applied.contains(m.name)) continue;
    spdlog::info("sqlite: applying migration {}", m.name);
    conn->exec(m.sql);
    conn->prepare("INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)").bind_all(m.name, now_text()).run();
  }
  tx.commit();
}

void SqliteStore::ping() {
  auto conn = pool_.acquire();
  conn->prepare("SELECT 1").run();
}

AddDomainResult SqliteStore::add_domain(const std::string& name, const std::optional<Schedule>& schedule,
                                        ScanTrigger trigger) {
  auto conn = pool_.acquire();
  Transaction tx(*conn);
  auto added = add_one_domain(*conn, name, schedule, trigger);
  tx.commit();
  return added;
}

std::vector<AddDomainResult> SqliteStore::add_domain_each(const std::vector<AddDomainRequest>& requests) {
  auto conn = pool_.acquire();
  Transaction tx(*conn);
  std::vector<AddDomainResult> answers;
  answers.reserve(requests.size());
  for (const auto& r : requests) answers.push_back(add_one_domain(*conn, r.name, r.schedule, r.trigger));
  tx.commit();
  return answers;
}

AddDomainsResult SqliteStore::add_domains(const std::vector<std::string>& names,
                                          const std::optional<Schedule>& schedule, ScanTrigger trigger) {
  auto conn = pool_.acquire();
  Transaction tx(*conn);
  const auto now = now_text();
  auto insert_domain = conn->prepare(
      "INSERT INTO domains (name, status, created_at, updated_at) VALUES (?, 'pending', ?, ?) "
      "ON CONFLICT (name) DO NOTHING");
  auto insert_first_scan =
      conn->prepare("INSERT INTO scans (domain_id, status, triggered_by, queued_at) VALUES (?, 'queued', ?, ?)");
  AddDomainsResult result;
  for (const auto& name : names) {
    insert_domain.reset().bind_all(name, now, now).run();
    if (conn->changes() == 0) {
      ++result.known;
      continue;
    }
    const auto domain_id = conn->last_insert_rowid();
    if (schedule) upsert_schedule(*conn, domain_id, *schedule);
    insert_first_scan.reset().bind_all(domain_id, to_string(trigger), now).run();
    result.added.push_back({conn->last_insert_rowid(), name, trigger});
  }
  tx.commit();
  return result;
}

std::optional<Domain> SqliteStore::find_domain(const std::string& name) {
  auto conn = pool_.acquire();
  return load_domain(*conn, "d.name = ?", name);
}

DomainPage SqliteStore::list_domains(const DomainQuery& query) {
  auto conn = pool_.acquire();
  std::optional<std::string> status;
  if (query.status) status = std::string(to_string(*query.status));
  auto st = conn->prepare(fmt::format("SELECT {}{} WHERE (?1 IS NULL OR d.status = ?1) AND (?2 IS NULL OR d.name > ?2) "
                                      "ORDER BY d.name LIMIT ?3",
                                      kDomainColumns, kDomainFrom));
  st.bind_all(status, query.after, static_cast<std::int64_t>(query.limit + 1));
  DomainPage page;
  while (st.step()) page.items.push_back(read_domain(st));
  page.next_cursor = trim_page(page.items, query.limit, [](const Domain& d) { return d.name; });
  return page;
}

bool SqliteStore::delete_domain(const std::string& name) {
  auto conn = pool_.acquire();
  conn->prepare("DELETE FROM domains WHERE name = ?").bind_all(name).run();
  return conn->changes() > 0;
}

bool SqliteStore::set_schedule(const std::string& name, const Schedule& schedule) {
  auto conn = pool_.acquire();
  Transaction tx(*conn);
  const auto id = domain_id_of(*conn, name);
  if (!id) return false;
  upsert_schedule(*conn, *id, schedule);
  tx.commit();
  return true;
}

bool SqliteStore::delete_schedule(const std::string& name) {
  auto conn = pool_.acquire();
  conn->prepare("DELETE FROM schedules WHERE domain_id = (SELECT id FROM domains WHERE name = ?)").bind_all(name).run();
  return conn->changes() > 0;
}

std::optional<QueueScanResult> SqliteStore::queue_scan(const std::string& name, ScanTrigger trigger) {
  auto conn = pool_.acquire();
  Transaction tx(*conn);
  const auto id = domain_id_of(*conn, name);
  if (!id) return std::nullopt;
  if (auto queued = queued_scan_of(*conn, *id)) {
    tx.commit();
    return QueueScanResult{*queued, false};
  }
  const auto scan_id = insert_scan(*conn, *id, trigger);
  tx.commit();
  return QueueScanResult{scan_id, true};
}

std::optional<Scan> SqliteStore::find_scan(std::int64_t id) {
  auto conn = pool_.acquire();
  auto st = conn->prepare(
      fmt::format("SELECT {}, s.result FROM scans s JOIN domains d ON d.id = s.domain_id WHERE s.id = ?", kScanColumns));
  st.bind_all(id);
  if (!st.step()) return std::nullopt;
  return read_scan(st, true);
}

std::vector<Scan> SqliteStore::list_scans(const std::string& name, std::size_t limit) {
  auto conn = pool_.acquire();
  auto st = conn->prepare(fmt::format(
      "SELECT {} FROM scans s JOIN domains d ON d.id = s.domain_id WHERE d.name = ? ORDER BY s.id DESC LIMIT ?",
      kScanColumns));
  st.bind_all(name, static_cast<std::int64_t>(limit));
  std::vector<Scan> out;
  while (st.step()) out.push_back(read_scan(st, false));
  return out;
}

std::vector<Store::ClaimAnswer> SqliteStore::claim_scans(const std::vector<std::int64_t>& ids,
                                                         const ClaimLease& lease) {
  std::vector<ClaimAnswer> answers(ids.size());
  if (ids.empty()) return answers;
  auto conn = pool_.acquire();
  Transaction tx(*conn);  // BEGIN IMMEDIATE: no other writer between the read and the claim
  const auto now = now_ms();
  std::set<std::int64_t> claimed;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const auto id = ids[i];
    auto st = conn->prepare(fmt::format(
        "SELECT {}, NULL, s.domain_id, s.claimed_by, s.claimed_until FROM scans s JOIN domains d ON d.id = s.domain_id "
        "WHERE s.id = ? AND s.status IN ('queued', 'running')",
        kScanColumns));
    st.bind_all(id);
    if (!st.step()) continue;  // finished or gone
    auto& answer = answers[i];
    const auto owner = st.optional_text(kScanColumnCount + 2);
    const auto until = st.optional_int64(kScanColumnCount + 3);
    const bool leased_to_another = until && *until >= to_ms(now) && owner != lease.owner;
    // A scan asked for twice in one batch is claimed once: the second answer is "held".
    if (claimed.contains(id) || (st.text(2) == "running" && leased_to_another)) {
      answer.held = true;
      continue;
    }
    Claim claim;
    claim.scan = read_scan(st, false);
    const auto domain_id = st.int64(kScanColumnCount + 1);
    conn->prepare("UPDATE scans SET status = 'running', started_at = ?, claimed_by = ?, claimed_until = ? WHERE id = ?")
        .bind_all(to_rfc3339(now), lease.owner, to_ms(now + lease.length), id)
        .run();
    claim.scan.status = ScanStatus::running;
    claim.scan.started_at = now;
    claim.domain = *load_domain(*conn, "d.id = ?", domain_id);
    auto previous = conn->prepare(fmt::format(
        "SELECT {}, s.result FROM scans s JOIN domains d ON d.id = s.domain_id "
        "WHERE s.domain_id = ? AND s.status = 'completed' AND s.id < ? ORDER BY s.id DESC LIMIT 1",
        kScanColumns));
    previous.bind_all(domain_id, id);
    if (previous.step()) claim.previous = read_scan(previous, true);
    auto alerts = conn->prepare("SELECT kind, subject, threshold FROM expiry_alerts WHERE domain_id = ?");
    alerts.bind_all(domain_id);
    while (alerts.step()) {
      claim.sent_alerts.push_back(ExpiryAlert{alerts.text(0), alerts.text(1), static_cast<int>(alerts.int64(2))});
    }
    answer.claim = std::move(claim);
    claimed.insert(id);
  }
  tx.commit();
  return answers;
}

std::size_t SqliteStore::renew_claims(const std::vector<std::int64_t>& ids, const ClaimLease& lease) {
  if (ids.empty()) return 0;
  auto conn = pool_.acquire();
  Transaction tx(*conn);
  const auto until = to_ms(now_ms() + lease.length);
  std::size_t renewed = 0;
  for (const auto id : ids) {
    conn->prepare("UPDATE scans SET claimed_until = ? WHERE id = ? AND status = 'running' AND claimed_by = ?")
        .bind_all(until, id, lease.owner)
        .run();
    renewed += static_cast<std::size_t>(conn->changes());
  }
  tx.commit();
  return renewed;
}

namespace {

// One scan's completion inside the caller's transaction: false if the scan was not running.
bool complete_in(Connection* conn, const ScanCompletion& c) {
  const auto now = now_text();
  conn->prepare(
          "UPDATE scans SET status = ?, finished_at = ?, grade = ?, score = ?, error = ?, grade_reason = ?, "
          "result = ? WHERE id = ? AND status = 'running'")
      .bind_all(to_string(c.status), now, c.grade, c.score, c.error, c.grade_reason,
                c.result_json.empty() ? std::optional<std::string>() : c.result_json, c.scan_id)
      .run();
  if (conn->changes() == 0) return false;
  conn->prepare(
          "UPDATE domains SET status = ?, bad_reason = ?, consecutive_failures = ?, updated_at = ? "
          "WHERE id = (SELECT domain_id FROM scans WHERE id = ?)")
      .bind_all(to_string(c.domain_status), c.bad_reason, c.consecutive_failures, now, c.scan_id)
      .run();
  const auto record_alert = [&](const ExpiryAlert& a) {
    conn->prepare(
            "INSERT OR IGNORE INTO expiry_alerts (domain_id, kind, subject, threshold) "
            "SELECT domain_id, ?, ?, ? FROM scans WHERE id = ?")
        .bind_all(a.kind, a.subject, a.threshold, c.scan_id)
        .run();
    return conn->changes() > 0;
  };
  for (const auto& e : c.events) {
    if (e.once && !record_alert(*e.once)) continue;  // told already (another worker, same domain)
    conn->prepare(
            "INSERT INTO events (domain_id, type, created_at, scan_id, previous_scan_id, data) "
            "SELECT domain_id, ?, ?, id, ?, ? FROM scans WHERE id = ?")
        .bind_all(e.type, now, e.previous_scan_id, e.data_json, c.scan_id)
        .run();
    // A delivery for every enabled webhook that wants this type of event for this domain.
    conn->prepare(
            "INSERT INTO deliveries (webhook_id, event_seq, created_at, next_attempt_at) "
            "SELECT w.id, ?1, ?2, ?2 FROM webhooks w WHERE w.disabled_at IS NULL "
            "AND EXISTS (SELECT 1 FROM webhook_events we WHERE we.webhook_id = w.id AND we.type IN ('*', ?3)) "
            "AND (NOT EXISTS (SELECT 1 FROM webhook_domains wd WHERE wd.webhook_id = w.id) "
            "  OR EXISTS (SELECT 1 FROM webhook_domains wd JOIN domains d ON d.name = wd.domain "
            "             JOIN scans s ON s.domain_id = d.id WHERE wd.webhook_id = w.id AND s.id = ?4))")
        .bind_all(conn->last_insert_rowid(), to_ms(now_ms()), e.type, c.scan_id)
        .run();
  }
  for (const auto& a : c.alerts) record_alert(a);
  return true;
}

}  // namespace

bool SqliteStore::complete_scan(const ScanCompletion& c) {
  auto conn = pool_.acquire();
  Transaction tx(*conn);
  const bool stored = complete_in(&*conn, c);
  tx.commit();
  return stored;
}

std::vector<bool> SqliteStore::complete_scans(const std::vector<ScanCompletion>& completions) {
  auto conn = pool_.acquire();
  Transaction tx(*conn);
  std::vector<bool> stored;
  stored.reserve(completions.size());
  for (const auto& c : completions) stored.push_back(complete_in(&*conn, c));
  tx.commit();
  return stored;
}

bool SqliteStore::fail_scan(std::int64_t id, const std::string& error) {
  auto conn = pool_.acquire();
  conn->prepare(
          "UPDATE scans SET status = 'failed', finished_at = ?, error = ? "
          "WHERE id = ? AND status IN ('queued', 'running')")
      .bind_all(now_text(), error, id)
      .run();
  return conn->changes() > 0;
}

void SqliteStore::mark_published(const std::vector<std::int64_t>& scan_ids) {
  if (scan_ids.empty()) return;
  auto conn = pool_.acquire();
  Transaction tx(*conn);
  const auto now = now_text();
  for (const auto id : scan_ids) {
    conn->prepare("UPDATE scans SET published_at = ? WHERE id = ? AND published_at IS NULL AND status = 'queued'")
        .bind_all(now, id)
        .run();
  }
  tx.commit();
}

std::vector<ScanRef> SqliteStore::take_unpublished_scans(std::chrono::milliseconds min_age, std::size_t limit) {
  auto conn = pool_.acquire();
  Transaction tx(*conn);  // BEGIN IMMEDIATE: another sweeper waits, then sees swept_at
  const auto now = now_ms();
  std::vector<ScanRef> out;
  // Each kind through its own index (scans_unpublished, scans_unfinished): one statement
  // with an OR of both could walk the whole table in id order when neither matches.
  const auto take = [&](std::string_view which, std::string_view order, const auto& bound) {
    if (out.size() >= limit) return;
    auto st = conn->prepare(fmt::format(
        "SELECT s.id, d.name, s.triggered_by FROM scans s JOIN domains d ON d.id = s.domain_id "
        "WHERE {} AND (s.swept_at IS NULL OR s.swept_at <= ?2) ORDER BY {} LIMIT ?3",
        which, order));
    st.bind_all(bound, to_ms(now - min_age), static_cast<std::int64_t>(limit - out.size()));
    while (st.step()) {
      out.push_back({st.int64(0), st.text(1), scan_trigger_from(st.text(2)).value_or(ScanTrigger::api)});
    }
  };
  take("s.status = 'queued' AND s.published_at IS NULL AND s.queued_at <= ?1", "s.queued_at",
       to_rfc3339(now - min_age));
  take("s.status = 'running' AND s.claimed_until < ?1", "s.status, s.id", to_ms(now));
  std::sort(out.begin(), out.end(), [](const ScanRef& a, const ScanRef& b) { return a.scan_id < b.scan_id; });
  for (const auto& scan : out) {
    conn->prepare("UPDATE scans SET swept_at = ? WHERE id = ?").bind_all(to_ms(now), scan.scan_id).run();
  }
  tx.commit();
  return out;
}

PruneStep SqliteStore::prune_scans(const ScanRetention& retention, std::int64_t after_domain_id, std::size_t domains,
                                   TimePoint now) {
  PruneStep step;
  if (retention.keeps_everything()) return step;
  auto conn = pool_.acquire();
  Transaction tx(*conn);
  {
    auto last = conn->prepare("SELECT max(id) FROM (SELECT id FROM domains WHERE id > ? ORDER BY id LIMIT ?)");
    last.bind_all(after_domain_id, static_cast<std::int64_t>(domains));
    if (!last.step() || last.is_null(0)) return step;
    step.next_after = last.int64(0);
  }
  std::optional<std::string> cutoff;
  if (retention.max_age) cutoff = to_rfc3339(now - *retention.max_age);
  std::vector<std::int64_t> doomed;
  {
    // Ranked newest first within each domain, through scans_domain_newest.
    auto st = conn->prepare(
        "SELECT id FROM (SELECT id, status, COALESCE(finished_at, queued_at) AS at, "
        "row_number() OVER (PARTITION BY domain_id ORDER BY id DESC) AS rank "
        "FROM scans WHERE domain_id > ?1 AND domain_id <= ?2) "
        "WHERE status IN ('completed', 'failed') AND (rank > ?3 OR (at < ?4 AND rank > ?5))");
    st.bind_all(after_domain_id, *step.next_after,
                static_cast<std::int64_t>(retention.max_count.value_or(std::numeric_limits<int>::max())), cutoff,
                retention.always_keep);
    while (st.step()) doomed.push_back(st.int64(0));
  }
  auto remove = conn->prepare("DELETE FROM scans WHERE id = ?");
  for (const auto id : doomed) remove.reset().bind_all(id).run();
  tx.commit();
  step.deleted = doomed.size();
  return step;
}

std::vector<ScanRef> SqliteStore::unfinished_scans() {
  auto conn = pool_.acquire();
  auto st = conn->prepare(
      "SELECT s.id, d.name, s.triggered_by FROM scans s JOIN domains d ON d.id = s.domain_id "
      "WHERE s.status IN ('queued', 'running') ORDER BY s.id");
  std::vector<ScanRef> out;
  while (st.step()) out.push_back({st.int64(0), st.text(1), scan_trigger_from(st.text(2)).value_or(ScanTrigger::api)});
  return out;
}

std::size_t SqliteStore::plan_schedules(TimePoint now, std::size_t limit, const NextRun& next_run) {
  auto conn = pool_.acquire();
  Transaction tx(*conn);
  std::vector<std::pair<std::int64_t, Schedule>> unplanned;
  {
    auto st = conn->prepare("SELECT domain_id, cron, timezone FROM schedules WHERE next_run_at IS NULL LIMIT ?");
    st.bind_all(static_cast<std::int64_t>(limit));
    while (st.step()) unplanned.push_back({st.int64(0), Schedule{st.text(1), st.text(2), std::nullopt}});
  }
  for (const auto& [domain_id, schedule] : unplanned) {
    conn->prepare("UPDATE schedules SET next_run_at = ? WHERE domain_id = ?")
        .bind_all(to_rfc3339(next_run_or_later(next_run, schedule, now)), domain_id)
        .run();
  }
  tx.commit();
  return unplanned.size();
}

FiringReport SqliteStore::fire_due_schedules(TimePoint now, std::size_t limit, const NextRun& next_run) {
  auto conn = pool_.acquire();
  Transaction tx(*conn);  // BEGIN IMMEDIATE: one scheduler at a time fires
  struct Due {
    std::int64_t domain_id;
    std::string name;
    DomainStatus status;
    Schedule schedule;
  };
  std::vector<Due> due;
  {
    auto st = conn->prepare(
        "SELECT d.id, d.name, d.status, sc.cron, sc.timezone FROM schedules sc JOIN domains d ON d.id = sc.domain_id "
        "WHERE sc.next_run_at IS NOT NULL AND sc.next_run_at <= ? ORDER BY sc.next_run_at LIMIT ?");
    st.bind_all(to_rfc3339(now), static_cast<std::int64_t>(limit));
    while (st.step()) {
      due.push_back({st.int64(0), st.text(1), domain_status_from(st.text(2)).value_or(DomainStatus::pending),
                     Schedule{st.text(3), st.text(4), std::nullopt}});
    }
  }
  FiringReport report;
  report.taken = due.size();
  for (const auto& d : due) {
    if (d.status == DomainStatus::bad) {
      ++report.skipped_bad;
    } else if (queued_scan_of(*conn, d.domain_id)) {
      ++report.skipped_queued;
    } else {
      report.queued.push_back({insert_scan(*conn, d.domain_id, ScanTrigger::schedule), d.name, ScanTrigger::schedule});
    }
    conn->prepare("UPDATE schedules SET next_run_at = ? WHERE domain_id = ?")
        .bind_all(to_rfc3339(next_run_or_later(next_run, d.schedule, now)), d.domain_id)
        .run();
  }
  tx.commit();
  return report;
}

ApiCallDecision SqliteStore::reserve_api_call(const std::string& api, TimePoint now, const ApiBudgetPolicy& policy) {
  auto conn = pool_.acquire();
  Transaction tx(*conn);  // BEGIN IMMEDIATE: the write lock is held from the read on
  ApiBudgetState state;
  {
    auto st = conn->prepare(
        "SELECT next_call_at_ms, day, day_count, backoff_until_ms FROM api_budgets WHERE api = ?");
    st.bind_all(api);
    if (st.step()) {
      state.next_call_at = TimePoint(std::chrono::milliseconds(st.int64(0)));
      state.day = st.int64(1);
      state.day_count = static_cast<int>(st.int64(2));
      state.backoff_until = TimePoint(std::chrono::milliseconds(st.int64(3)));
    }
  }
  const auto decision = decide_api_call(state, now, policy);
  if (decision.verdict == ApiCallVerdict::granted) {
    conn->prepare(
            "INSERT INTO api_budgets (api, next_call_at_ms, day, day_count, backoff_until_ms) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (api) DO UPDATE SET next_call_at_ms = excluded.next_call_at_ms, day = excluded.day, "
            "day_count = excluded.day_count")
        .bind_all(api, state.next_call_at.time_since_epoch().count(), state.day,
                  static_cast<std::int64_t>(state.day_count), state.backoff_until.time_since_epoch().count())
        .run();
  }
  tx.commit();
  return decision;
}

void SqliteStore::back_off_api(const std::string& api, TimePoint until) {
  auto conn = pool_.acquire();
  conn->prepare(
          "INSERT INTO api_budgets (api, next_call_at_ms, day, day_count, backoff_until_ms) VALUES (?, 0, 0, 0, ?) "
          "ON CONFLICT (api) DO UPDATE SET backoff_until_ms = max(backoff_until_ms, excluded.backoff_until_ms)")
      .bind_all(api, until.time_since_epoch().count())
      .run();
}

std::optional<ApiAnswer> SqliteStore::find_api_answer(const std::string& api, const std::string& key,
                                                      TimePoint fresh_after) {
  auto conn = pool_.acquire();
  auto st = conn->prepare("SELECT fetched_at_ms, body FROM api_answers WHERE api = ? AND key = ? AND fetched_at_ms >= ?");
  st.bind_all(api, key, fresh_after.time_since_epoch().count());
  if (!st.step()) return std::nullopt;
  return ApiAnswer{TimePoint(std::chrono::milliseconds(st.int64(0))), st.text(1)};
}

void SqliteStore::store_api_answer(const std::string& api, const std::string& key, const ApiAnswer& answer,
                                   TimePoint drop_before) {
  auto conn = pool_.acquire();
  Transaction tx(*conn);
  conn->prepare(
          "INSERT INTO api_answers (api, key, fetched_at_ms, body) VALUES (?, ?, ?, ?) "
          "ON CONFLICT (api, key) DO UPDATE SET fetched_at_ms = excluded.fetched_at_ms, body = excluded.body")
      .bind_all(api, key, answer.fetched_at.time_since_epoch().count(), answer.body)
      .run();
  conn->prepare("DELETE FROM api_answers WHERE api = ? AND fetched_at_ms < ?")
      .bind_all(api, drop_before.time_since_epoch().count())
      .run();
  tx.commit();
}

EventPage SqliteStore::list_events(const EventQuery& query) {
  auto conn = pool_.acquire();
  // Only the filters given: each then narrows through its index (by domain, by type).
  std::string where = "1 = 1";
  if (query.domain) where += " AND d.name = ?1";
  if (query.type) where += " AND e.type = ?2";
  if (query.since) where += " AND e.created_at >= ?3";
  if (query.before_seq) where += " AND e.seq < ?4";
  auto st = conn->prepare(fmt::format(
      "SELECT e.seq, d.name, e.type, e.created_at, e.scan_id, e.previous_scan_id, e.data "
      "FROM events e JOIN domains d ON d.id = e.domain_id WHERE {} ORDER BY e.seq DESC LIMIT ?5",
      where));
  std::optional<std::string> since;
  if (query.since) since = to_rfc3339(*query.since);
  st.bind_all(query.domain, query.type, since, query.before_seq, static_cast<std::int64_t>(query.limit + 1));
  EventPage page;
  while (st.step()) {
    Event e;
    e.seq = st.int64(0);
    e.domain = st.text(1);
    e.type = st.text(2);
    e.created_at = time_of(st.text(3));
    e.scan_id = st.optional_int64(4);
    e.previous_scan_id = st.optional_int64(5);
    e.data_json = st.text(6);
    page.items.push_back(std::move(e));
  }
  page.next_cursor = trim_page(page.items, query.limit, [](const Event& e) { return std::to_string(e.seq); });
  return page;
}

StoreStats SqliteStore::stats() {
  auto conn = pool_.acquire();
  StoreStats s;
  auto domains = conn->prepare("SELECT status, count(*) FROM domains GROUP BY status");
  while (domains.step()) s.add_domains(domains.text(0), domains.int64(1));
  auto scans = conn->prepare("SELECT status, count(*) FROM scans WHERE status IN ('queued', 'running') GROUP BY status");
  while (scans.step()) s.add_scans(scans.text(0), scans.int64(1));
  auto budgets = conn->prepare("SELECT api, day, day_count FROM api_budgets");
  while (budgets.step()) s.api_calls_by_day[budgets.text(0)] = {budgets.int64(1), budgets.int64(2)};
  return s;
}

}  // namespace domainscan::store::sqlite
