#pragma once
// A connection of the PostgreSQL store's pool: libpqxx's connection, plus the names under which
// it has prepared the batch statements that are planned again now and then (exec_planned_sql).
#include <pqxx/pqxx>

#include <chrono>
#include <cstdint>
#include <string>
#include <unordered_map>

namespace domainscan::store::postgres {

class PostgresConnection : public pqxx::connection {
 public:
  // After this many runs, or this long, a statement is prepared again: PostgreSQL keeps a
  // prepared statement's plan (made for the table's size then) until the table is next
  // analysed; a plan made while a new install's table held a few rows reads the whole table
  // once it holds thousands (2.7 ms where a fresh plan takes 0.1). A bulk import into a new
  // install grows a table from nothing to tens of thousands of rows within seconds, while
  // each connection runs a statement a few dozen times: the time limit is what replaces
  // those first plans (with 30 s, a bulk import spent half again as much in PostgreSQL).
  // Planning at every run, as an unnamed statement does, cost the single-POST path a fifth
  // of PostgreSQL's time.
  static constexpr std::uint32_t kRunsPerPlan = 64;
  static constexpr std::chrono::milliseconds kPlanLifetime{1000};

  explicit PostgresConnection(const std::string& url) : pqxx::connection(url) {}

  // The name sql is prepared under on this connection, preparing it (again) when it is new,
  // has run kRunsPerPlan times or is older than kPlanLifetime; the old one is deallocated.
  // The first call in a transaction also makes the transaction's prepared statements run on
  // their generic plan: with PostgreSQL's default (plan_cache_mode = auto) a statement with
  // an array parameter is planned again at every run whenever the array is shorter than the
  // ten elements the generic plan assumes, as a single POST's batches are (0.1-0.4 ms each).
  const std::string& replanned_statement(pqxx::transaction_base& tx, const std::string& sql);

  // PostgresStore::in_transaction calls this when it begins a transaction on the connection.
  void transaction_began() { generic_plans_set_ = false; }

 private:
  struct Prepared {
    std::string name;
    std::uint64_t generation = 0;
    std::uint32_t runs = 0;
    std::chrono::steady_clock::time_point prepared_at;
  };
  std::unordered_map<std::string, Prepared> prepared_;
  bool generic_plans_set_ = false;  // in the transaction under way
};

}  // namespace domainscan::store::postgres
