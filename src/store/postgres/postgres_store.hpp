#pragma once
// The Store on PostgreSQL (libpqxx): for the distributed mode, shared by every service.
#include "store/connection_pool.hpp"
#include "store/postgres/postgres_connection.hpp"
#include "store/store.hpp"

#include <pqxx/pqxx>

namespace domainscan::store::postgres {

class PostgresStore final : public Store {
 public:
  // url: a libpq connection URI (postgresql://user:pass@host:port/db?...).
  PostgresStore(std::string url, std::size_t pool_size);

  void migrate() override;
  void ping() override;
  std::unique_ptr<ChangeCounter> change_counter() override;
  AddDomainResult add_domain(const std::string& name, const std::optional<Schedule>& schedule,
                             ScanTrigger trigger) override;
  std::vector<AddDomainResult> add_domain_each(const std::vector<AddDomainRequest>& requests) override;
  AddDomainsResult add_domains(const std::vector<std::string>& names, const std::optional<Schedule>& schedule,
                               ScanTrigger trigger) override;
  std::optional<Domain> find_domain(const std::string& name) override;
  DomainPage list_domains(const DomainQuery& query) override;
  bool delete_domain(const std::string& name) override;
  bool set_schedule(const std::string& name, const Schedule& schedule) override;
  bool delete_schedule(const std::string& name) override;
  std::optional<QueueScanResult> queue_scan(const std::string& name, ScanTrigger trigger) override;
  std::optional<Scan> find_scan(std::int64_t id) override;
  std::vector<Scan> list_scans(const std::string& name, std::size_t limit) override;
  std::vector<ClaimAnswer> claim_scans(const std::vector<std::int64_t>& ids, const ClaimLease& lease) override;
  std::size_t renew_claims(const std::vector<std::int64_t>& ids, const ClaimLease& lease) override;
  bool complete_scan(const ScanCompletion& completion) override;
  std::vector<bool> complete_scans(const std::vector<ScanCompletion>& completions) override;
  bool fail_scan(std::int64_t id, const std::string& error) override;
  std::vector<ScanRef> unfinished_scans() override;
  void mark_published(const std::vector<std::int64_t>& scan_ids) override;
  std::vector<ScanRef> take_unpublished_scans(std::chrono::milliseconds min_age, std::size_t limit) override;
  PruneStep prune_scans(const ScanRetention& retention, std::int64_t after_domain_id, std::size_t domains,
                        TimePoint now) override;
  std::size_t plan_schedules(TimePoint now, std::size_t limit, const NextRun& next_run) override;
  FiringReport fire_due_schedules(TimePoint now, std::size_t limit, const NextRun& next_run) override;
  ApiCallDecision reserve_api_call(const std::string& api, TimePoint now, const ApiBudgetPolicy& policy) override;
  void back_off_api(const std::string& api, TimePoint until) override;
  std::optional<ApiAnswer> find_api_answer(const std::string& api, const std::string& key,
                                           TimePoint fresh_after) override;
  void store_api_answer(const std::string& api, const std::string& key, const ApiAnswer& answer,
                        TimePoint drop_before) override;
  EventPage list_events(const EventQuery& query) override;
  // Webhooks: in sqlite_webhooks.cpp / postgres_webhooks.cpp.
  Webhook create_webhook(const Webhook& webhook) override;
  std::vector<Webhook> list_webhooks() override;
  std::optional<Webhook> find_webhook(std::int64_t id) override;
  bool delete_webhook(std::int64_t id) override;
  DeliveryPage list_deliveries(std::int64_t webhook_id, std::size_t limit,
                               std::optional<std::int64_t> before_id) override;
  std::vector<DueDelivery> take_due_deliveries(TimePoint now, std::size_t limit,
                                               std::chrono::milliseconds lease) override;
  bool record_delivery_attempt(const DeliveryAttempt& attempt) override;
  // API keys: in sqlite_api_keys.cpp / postgres_api_keys.cpp.
  bool create_api_key(const ApiKey& key) override;
  std::vector<ApiKey> list_api_keys() override;
  bool revoke_api_key(const std::string& name) override;
  std::optional<ApiKey> find_api_key(const std::string& hash) override;
  void touch_api_key(const std::string& hash, TimePoint used_at) override;
  StoreStats stats() override;

 private:
  // Runs fn(work) in one transaction on a pooled connection, committing after it returns.
  // A lost connection is dropped from the pool and reported as UnavailableError.
  template <typename Fn>
  auto in_transaction(Fn&& fn);

  std::string url_;
  ConnectionPool<PostgresConnection> pool_;
};

}  // namespace domainscan::store::postgres
