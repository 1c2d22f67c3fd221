#include "store/postgres/postgres_connection.hpp"

#include <fmt/format.h>

#include <functional>

namespace domainscan::store::postgres {

const std::string& PostgresConnection::replanned_statement(pqxx::transaction_base& tx, const std::string& sql) {
  if (!generic_plans_set_) {
    tx.exec("SET LOCAL plan_cache_mode = force_generic_plan");
    generic_plans_set_ = true;
  }
  const auto now = std::chrono::steady_clock::now();
  auto& p = prepared_[sql];
  if (p.name.empty() || p.runs >= kRunsPerPlan || now - p.prepared_at >= kPlanLifetime) {
    // DEALLOCATE at once (libpqxx knows the old name was prepared), so that the server keeps
    // one statement of each, not one a generation.
    if (!p.name.empty()) unprepare(p.name);
    ++p.generation;
    p.name = fmt::format("ds_replanned_{}_{}", std::hash<std::string>{}(sql), p.generation);
    prepare(p.name, sql);
    p.runs = 0;
    p.prepared_at = now;
  }
  ++p.runs;
  return p.name;
}

}  // namespace domainscan::store::postgres
