#pragma once
// The data-access layer every service uses. Two backends: store/sqlite/ and store/postgres/.
//
// Contract: every method is blocking and thread-safe, each is one transaction, and each
// throws UnavailableError when the database cannot be reached (callers retry or answer 503).
// Services call it from the database thread pool (core/blocking_pool.hpp), never from an
// I/O thread.
#include "core/api_budget.hpp"
#include "store/api_key_model.hpp"
#include "store/change_counter.hpp"
#include "store/model.hpp"
#include "store/webhook_model.hpp"

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace domainscan::store {

struct AddDomainResult {
  Domain domain;
  bool created = false;       // false: the domain was known; nothing was queued
  std::int64_t scan_id = 0;   // the first scan (created), or the newest scan (known; 0 if none)
};

// One domain to add (Store::add_domain_each).
struct AddDomainRequest {
  std::string name;  // normalised
  std::optional<Schedule> schedule;
  ScanTrigger trigger = ScanTrigger::api;
};

// What a bulk submission stored (Store::add_domains).
struct AddDomainsResult {
  std::vector<ScanRef> added;  // the new domains' first scans, in the order given: to publish
  std::size_t known = 0;       // names that were known already (or repeated in the list)
};

struct QueueScanResult {
  std::int64_t scan_id = 0;
  bool created = false;  // false: a queued scan existed already and is returned instead
};

// A worker's claim on a scan, for a while: until the lease runs out, the scan is the
// owner's, and a request for it delivered to anyone else (a duplicate publish, a
// redelivery) is not scanned. The owner renews it while it scans (renew_claims); once it
// has run out (the worker died, or hangs), anyone may claim the scan, and the outbox
// sweeper publishes it again. The owner may claim it again at any time (`domainscan
// serve` restarting under the same name picks up its own scans).
struct ClaimLease {
  std::string owner;
  std::chrono::milliseconds length{std::chrono::seconds(30)};
};
struct Claim {
  Scan scan;
  Domain domain;  // as stored; its schedule and newest scan (this one) may be left out
  // What the finished scan will be compared with (watch/scan_events.hpp): the domain's
  // newest completed scan before this one, with its result, and the expiry alerts sent.
  std::optional<Scan> previous;
  std::vector<ExpiryAlert> sent_alerts;
};
struct ClaimAnswer {
  std::optional<Claim> claim;  // set: the scan is now running under the caller's lease
  bool held = false;           // not claimed: another owner's lease on it has not run out
  // Neither: the scan is finished or gone, so a redelivered request is not scanned twice.
};

class Store {
 public:
  virtual ~Store() = default;

  // Applies the migrations not yet applied, in order. Idempotent.
  virtual void migrate() = 0;
  // Throws unless the database answers.
  virtual void ping() = 0;
  // A counter of changes to what is stored (store/change_counter.hpp), for readers that
  // cache; null when this database cannot offer one. Each call makes a new one.
  virtual std::unique_ptr<ChangeCounter> change_counter() { return nullptr; }

  // Adds the domain (with its schedule, if any) and queues its first scan, atomically.
  // A known domain is returned as it is: no second scan, its schedule untouched.
  virtual AddDomainResult add_domain(const std::string& name, const std::optional<Schedule>& schedule,
                                     ScanTrigger trigger) = 0;
  // add_domain for each request, in one transaction: each answer is what add_domain would
  // have answered had the requests come one after the other in this order (a name asked for
  // twice is created by the first and known to the second). The API's single POSTs that
  // arrive together are stored this way, one commit for all.
  virtual std::vector<AddDomainResult> add_domain_each(const std::vector<AddDomainRequest>& requests) = 0;
  // The same for many names in one transaction: the new ones are added, each with the
  // schedule (if any) and a first scan; known ones are left as they are. Names must be
  // normalised; a name given twice counts once as added and then as known.
  virtual AddDomainsResult add_domains(const std::vector<std::string>& names, const std::optional<Schedule>& schedule,
                                       ScanTrigger trigger) = 0;
  virtual std::optional<Domain> find_domain(const std::string& name) = 0;
  virtual DomainPage list_domains(const DomainQuery& query) = 0;
  // Removes the domain with its schedule and scans. False if it was unknown.
  virtual bool delete_domain(const std::string& name) = 0;

  // False if the domain is unknown.
  virtual bool set_schedule(const std::string& name, const Schedule& schedule) = 0;
  virtual bool delete_schedule(const std::string& name) = 0;

  // Queues a scan unless one is queued already (at most one queued scan per domain).
  // nullopt if the domain is unknown.
  virtual std::optional<QueueScanResult> queue_scan(const std::string& name, ScanTrigger trigger) = 0;
  virtual std::optional<Scan> find_scan(std::int64_t id) = 0;
  // Newest first, without result_json.
  virtual std::vector<Scan> list_scans(const std::string& name, std::size_t limit) = 0;

  using ClaimLease = store::ClaimLease;
  using Claim = store::Claim;
  using ClaimAnswer = store::ClaimAnswer;
  // Claims each queued scan (or running scan whose lease ran out, or the caller's own) in
  // one transaction: marks it running under `lease` and returns it with its domain.
  virtual std::vector<ClaimAnswer> claim_scans(const std::vector<std::int64_t>& ids, const ClaimLease& lease) = 0;
  // Extends the owner's lease on these scans (the ones it is scanning: not every scan it
  // ever claimed, since a claim whose answer was lost must run out) to now + its length;
  // returns how many were still the owner's and running.
  virtual std::size_t renew_claims(const std::vector<std::int64_t>& ids, const ClaimLease& lease) = 0;
  // One scan, for callers that claim one at a time; nullopt unless claimed.
  std::optional<Claim> claim_scan(std::int64_t id, const ClaimLease& lease = ClaimLease{}) {
    auto answers = claim_scans({id}, lease);
    return std::move(answers.at(0).claim);
  }
  // Stores the result, the domain's new status and the scan's events together. False (and
  // nothing written) unless the scan was running: two workers never store two results (or
  // two sets of events) for one scan. An event with `once` set is stored only if that
  // expiry alert was not recorded yet.
  virtual bool complete_scan(const ScanCompletion& completion) = 0;
  // Many completions in one transaction (one commit for all): for each, what complete_scan
  // would answer. Any error rolls back all of them.
  virtual std::vector<bool> complete_scans(const std::vector<ScanCompletion>& completions) = 0;
  // Marks a queued or running scan failed with `error` (the bus gave up on its request);
  // the domain's status is left as it is. False if the scan was finished or gone.
  virtual bool fail_scan(std::int64_t id, const std::string& error) = 0;
  // Scans queued or running, oldest first: what `serve` (the only consumer of its
  // in-process bus) publishes again after a restart.
  virtual std::vector<ScanRef> unfinished_scans() = 0;

  // The outbox. A scan's request is published after its row is committed; the broker's
  // confirm is recorded here, on scans still queued, as a hint only: a record lost (a crash)
  // or skipped (a worker claiming the scan at that moment) means at most one more publish; a
  // scan claimed already needs none (the sweeper takes queued scans, and running ones whose
  // lease ran out). The sweeper takes, oldest first and at most `limit`, what to publish again:
  // queued scans older than min_age with no confirm recorded, and running scans whose
  // lease ran out. A row taken is not taken again (by this or another sweeping process)
  // for min_age, and rows another sweeper is taking are left out.
  virtual void mark_published(const std::vector<std::int64_t>& scan_ids) = 0;
  virtual std::vector<ScanRef> take_unpublished_scans(std::chrono::milliseconds min_age, std::size_t limit) = 0;

  // Retention: deletes the scans `retention` does not keep of the next `domains` domains
  // (in id order) after after_domain_id. The scheduler walks every domain this way, a
  // small batch at a time, so no statement holds many rows or runs long.
  virtual PruneStep prune_scans(const ScanRetention& retention, std::int64_t after_domain_id, std::size_t domains,
                                TimePoint now) = 0;

  // The scheduler's side. The API stores a new or changed schedule without next_run_at; the
  // scheduler computes it (scheduler/cron.hpp) through `next_run`, which says when the
  // schedule fires next after a given instant (nullopt: never).
  using NextRun = std::function<std::optional<TimePoint>(const Schedule& schedule, TimePoint after)>;
  // Computes next_run_at (after `now`) for up to `limit` schedules that have none; returns
  // how many. A schedule that never fires is looked at again in a year.
  virtual std::size_t plan_schedules(TimePoint now, std::size_t limit, const NextRun& next_run) = 0;
  // Takes up to `limit` schedules due at `now` (next_run_at <= now), earliest first, leaving
  // out rows another scheduler holds; for each queues a scan (trigger schedule) unless the
  // domain is bad or has a queued scan already, and moves next_run_at to the first run
  // after `now`, so that a schedule which missed runs while nothing ran fires once. All in
  // one transaction: a crash neither loses nor repeats a run. The scans are then published
  // like the API's (outbox: unpublished ones are swept).
  virtual FiringReport fire_due_schedules(TimePoint now, std::size_t limit, const NextRun& next_run) = 0;

  // A rate-limited external API's budget, shared by every process on this database (the
  // reputation check's VirusTotal calls): reads the API's state, decides with
  // decide_api_call() and writes it back, under a row lock, so two workers never take the
  // same slot or overspend the day.
  virtual ApiCallDecision reserve_api_call(const std::string& api, TimePoint now, const ApiBudgetPolicy& policy) = 0;
  // The API answered "too many requests": no process calls it before `until`.
  virtual void back_off_api(const std::string& api, TimePoint until) = 0;
  // The API's answer for `key` fetched at or after `fresh_after`, if one is kept.
  virtual std::optional<ApiAnswer> find_api_answer(const std::string& api, const std::string& key,
                                                   TimePoint fresh_after) = 0;
  // Keeps an answer (replacing the key's older one) and drops the API's answers fetched
  // before `drop_before`, so the table holds no more than the answers still of use.
  virtual void store_api_answer(const std::string& api, const std::string& key, const ApiAnswer& answer,
                                TimePoint drop_before) = 0;

  // Events, newest first (the list envelope: next_cursor is the last item's seq).
  virtual EventPage list_events(const EventQuery& query) = 0;

  // Webhooks. complete_scan() creates a pending delivery for each event and each enabled
  // webhook that wants the event's type and domain, in the same transaction.
  // create_webhook stores a new webhook (its id and created_at are set on the copy returned).
  virtual Webhook create_webhook(const Webhook& webhook) = 0;
  virtual std::vector<Webhook> list_webhooks() = 0;
  virtual std::optional<Webhook> find_webhook(std::int64_t id) = 0;
  // Removes the webhook and its deliveries. False if it was unknown.
  virtual bool delete_webhook(std::int64_t id) = 0;
  // A webhook's deliveries, newest first; before_id is the cursor.
  virtual DeliveryPage list_deliveries(std::int64_t webhook_id, std::size_t limit,
                                       std::optional<std::int64_t> before_id) = 0;
  // Takes up to `limit` pending deliveries due at `now` (oldest due first) of enabled
  // webhooks, leaving out those another deliverer holds, and holds them until now + lease:
  // no delivery is attempted by two deliverers at once while the lease runs.
  virtual std::vector<DueDelivery> take_due_deliveries(TimePoint now, std::size_t limit,
                                                       std::chrono::milliseconds lease) = 0;
  // Records an attempt and releases the delivery. False (nothing written) if the delivery
  // is no longer pending or another attempt was recorded since it was taken.
  virtual bool record_delivery_attempt(const DeliveryAttempt& attempt) = 0;

  // API keys. create_api_key is false (nothing written) when the name is taken.
  virtual bool create_api_key(const ApiKey& key) = 0;
  virtual std::vector<ApiKey> list_api_keys() = 0;  // by name
  // Deletes the key: it stops working at once (within the API's short cache). False if unknown.
  virtual bool revoke_api_key(const std::string& name) = 0;
  virtual std::optional<ApiKey> find_api_key(const std::string& hash) = 0;
  virtual void touch_api_key(const std::string& hash, TimePoint used_at) = 0;

  virtual StoreStats stats() = 0;
};

// Opens the backend the URL names ("sqlite:PATH", "postgresql://...") and migrates it.
// pool_size is how many connections the backend may hold at most.
std::unique_ptr<Store> open_store(const std::string& url, std::size_t pool_size);

}  // namespace domainscan::store
