#pragma once
// What the store keeps: domains, their schedules and their scans. Plain values, no I/O.
#include "core/clock.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace domainscan::store {

enum class DomainStatus { pending, ok, bad };
enum class ScanStatus { queued, running, completed, failed };
enum class ScanTrigger { api, rescan, schedule };

std::string_view to_string(DomainStatus s);
std::string_view to_string(ScanStatus s);
std::string_view to_string(ScanTrigger t);
// nullopt for text that names no value (used for query parameters and database rows).
std::optional<DomainStatus> domain_status_from(std::string_view s);
std::optional<ScanStatus> scan_status_from(std::string_view s);
std::optional<ScanTrigger> scan_trigger_from(std::string_view s);

struct Schedule {
  std::string cron;
  std::string timezone = "UTC";
  std::optional<TimePoint> next_run_at;
};

struct Scan {
  std::int64_t id = 0;
  std::string domain;
  ScanStatus status = ScanStatus::queued;
  ScanTrigger trigger = ScanTrigger::api;
  TimePoint queued_at{};
  std::optional<TimePoint> started_at;
  std::optional<TimePoint> finished_at;
  std::optional<std::string> grade;
  std::optional<int> score;
  std::optional<std::string> grade_reason;  // why a completed scan has no grade
  std::optional<std::string> error;
  // {"checks": {...}, "findings": [...]} as JSON text; empty in summaries and before completion.
  std::string result_json;
};

struct Domain {
  std::int64_t id = 0;
  std::string name;
  DomainStatus status = DomainStatus::pending;
  std::optional<std::string> bad_reason;
  TimePoint created_at{};
  int consecutive_failures = 0;
  std::optional<Schedule> schedule;
  std::optional<Scan> last_scan;  // the newest scan, as a summary (no result_json)
};

struct DomainQuery {
  std::optional<DomainStatus> status;
  std::size_t limit = 50;
  std::optional<std::string> after;  // the cursor: the last name of the previous page
};

struct DomainPage {
  std::vector<Domain> items;
  std::optional<std::string> next_cursor;
};

// An expiry alert that was sent: one per kind ("certificate", "registration"), per what
// expires (the not_after or expiry date: a renewal is a new subject) and per threshold.
struct ExpiryAlert {
  std::string kind;
  std::string subject;
  int threshold = 0;
  bool operator==(const ExpiryAlert&) const = default;
};

// An event a completed scan caused (watch/scan_events.hpp), stored with the scan's result.
struct NewEvent {
  std::string type;  // domain.changed, domain.bad, domain.recovered, certificate.expiring, ...
  std::optional<std::int64_t> previous_scan_id;
  std::string data_json;
  // Set for an expiry event: stored only if this alert was not sent before (by another
  // worker racing on the same domain), and then recorded as sent.
  std::optional<ExpiryAlert> once;
};

// A stored event, as the API lists it.
struct Event {
  std::int64_t seq = 0;  // the order of creation; the public id is "evt_<seq>"
  std::string domain;
  std::string type;
  TimePoint created_at{};
  std::optional<std::int64_t> scan_id;
  std::optional<std::int64_t> previous_scan_id;
  std::string data_json;
  std::string id() const { return "evt_" + std::to_string(seq); }
};

struct EventQuery {
  std::optional<std::string> domain{};
  std::optional<std::string> type{};
  std::optional<TimePoint> since{};            // created at or after
  std::size_t limit = 50;
  std::optional<std::int64_t> before_seq{};    // the cursor: newest first, older than this
};

struct EventPage {
  std::vector<Event> items;
  std::optional<std::string> next_cursor;
};

// The outcome the worker stores for a scan it ran, and what it means for the domain.
struct ScanCompletion {
  std::int64_t scan_id = 0;
  ScanStatus status = ScanStatus::completed;  // completed or failed
  std::optional<std::string> grade;
  std::optional<int> score;
  std::optional<std::string> grade_reason;
  std::optional<std::string> error;
  std::string result_json;
  DomainStatus domain_status = DomainStatus::ok;
  std::optional<std::string> bad_reason;
  int consecutive_failures = 0;
  // What the scan changed, stored in the same transaction: exactly once per scan.
  std::vector<NewEvent> events;
  // Expiry thresholds crossed (beyond each event's own): recorded as sent, so that a
  // certificate found 5 days from expiry alerts once, not again at 7 and 14.
  std::vector<ExpiryAlert> alerts;
};

// A scan to be (re)published on the bus, e.g. after a restart.
struct ScanRef {
  std::int64_t scan_id = 0;
  std::string domain;
  ScanTrigger trigger = ScanTrigger::api;
};

// What one round of the scheduler did (Store::fire_due_schedules).
struct FiringReport {
  std::vector<ScanRef> queued;  // scans created for due schedules: to publish
  int skipped_bad = 0;          // due, but the domain is bad: not scanned until re-checked
  int skipped_queued = 0;       // due, but the domain has a queued scan already
  std::size_t taken = 0;        // due schedules handled (fired or skipped)
};

// The scan history kept per domain (--keep-scans). A finished scan goes when it is older
// than max_age and not among the domain's newest always_keep, or when it is beyond the
// newest max_count. Queued and running scans always stay.
struct ScanRetention {
  std::optional<std::chrono::milliseconds> max_age;
  std::optional<int> max_count;
  int always_keep = 10;
  bool keeps_everything() const { return !max_age && !max_count; }
};

// One step of a pruning pass over the domains in id order.
struct PruneStep {
  std::size_t deleted = 0;
  // The last domain id this step looked at, where the next step starts; nullopt: none was
  // left, the pass is over.
  std::optional<std::int64_t> next_after;
};

struct StoreStats {
  std::int64_t domains_pending = 0, domains_ok = 0, domains_bad = 0;
  // Only the unfinished: counting finished scans would read the whole history.
  std::int64_t scans_queued = 0, scans_running = 0;
  // Rate-limited external APIs (the reputation check's): the UTC day (days since the epoch)
  // their call count is for, and the count, by API name.
  std::map<std::string, std::pair<std::int64_t, std::int64_t>> api_calls_by_day;

  // Adds one row of a "SELECT status, count(*) ... GROUP BY status" query.
  void add_domains(std::string_view status, std::int64_t n);
  void add_scans(std::string_view status, std::int64_t n);
};

}  // namespace domainscan::store
