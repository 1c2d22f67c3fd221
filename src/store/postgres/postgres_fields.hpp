#pragma once
// Reading and writing PostgreSQL values the same way in every file of the backend. Times
// cross the wire as milliseconds since the epoch: no text formats, no time zones.
#include "core/clock.hpp"
#include "store/postgres/postgres_connection.hpp"

#include <fmt/format.h>
#include <pqxx/pqxx>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace domainscan::store::postgres {

// A timestamptz column as milliseconds since the epoch, for a SELECT list.
inline std::string ms(std::string_view column) {
  return fmt::format("(extract(epoch FROM {}) * 1000)::bigint", column);
}
inline TimePoint time_of(const pqxx::field& f) { return TimePoint(std::chrono::milliseconds(f.as<std::int64_t>())); }
inline std::optional<TimePoint> optional_time(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return time_of(f);
}
inline std::optional<std::string> optional_text(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return f.as<std::string>();
}
inline std::optional<std::int64_t> to_ms(const std::optional<TimePoint>& t) {
  if (!t) return std::nullopt;
  return t->time_since_epoch().count();
}
inline std::int64_t to_ms(TimePoint t) { return t.time_since_epoch().count(); }

// Runs sql as a prepared statement of the transaction's connection: parsed and planned by
// the server the first time the connection runs it, then only bound and executed. Every
// statement of the store goes through here (they are few and run again and again). The name
// is the SQL's hash; libpqxx keeps the definitions per connection, and a connection that
// breaks is dropped from the pool with them.
template <typename... Args>
pqxx::result exec_prepared_sql(pqxx::work& tx, const std::string& sql, Args&&... args) {
  const auto name = "ds_" + std::to_string(std::hash<std::string>{}(sql));
  tx.conn().prepare(name, sql);
  return tx.exec_prepared(name, std::forward<Args>(args)...);
}

// Runs sql as a prepared statement on its generic plan, made again every few dozen runs (see
// PostgresConnection::kRunsPerPlan): for the batch statements that find rows of a large table
// by the ids or names in an array, whose plan depends on how large the table has grown. tx
// must be a transaction of PostgresStore::in_transaction, as every one of the store is; the
// prepared statements it runs after this one also run on their generic plans.
template <typename... Args>
pqxx::result exec_planned_sql(pqxx::work& tx, const std::string& sql, Args&&... args) {
  auto& conn = static_cast<PostgresConnection&>(tx.conn());
  return tx.exec_prepared(conn.replanned_statement(tx, sql), std::forward<Args>(args)...);
}

// The same for a statement that answers exactly one row.
template <typename... Args>
pqxx::row exec_prepared_sql1(pqxx::work& tx, const std::string& sql, Args&&... args) {
  auto rows = exec_prepared_sql(tx, sql, std::forward<Args>(args)...);
  if (rows.size() != 1) throw pqxx::unexpected_rows(fmt::format("expected one row, got {}", rows.size()));
  return rows.front();
}

// Array parameters in PostgreSQL's array syntax ($1::text[], $1::bigint[]): libpqxx 6
// cannot bind a container, and one array is one round trip where a row each is many.
inline void append_array_text(std::string& out, std::string_view item) {
  out += '"';
  for (const char c : item) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
}
inline std::string text_array(const std::vector<std::string>& items) {
  std::string out = "{";
  for (const auto& item : items) {
    if (out.size() > 1) out += ',';
    append_array_text(out, item);
  }
  return out + '}';
}
// The same with NULL elements, for columns that may be NULL.
inline std::string text_array(const std::vector<std::optional<std::string>>& items) {
  std::string out = "{";
  for (const auto& item : items) {
    if (out.size() > 1) out += ',';
    if (item) {
      append_array_text(out, *item);
    } else {
      out += "NULL";
    }
  }
  return out + '}';
}
// Integers with NULL elements ($1::int[], $1::bigint[]).
template <typename Int>
std::string int_array(const std::vector<std::optional<Int>>& items) {
  std::string out = "{";
  for (const auto& item : items) {
    if (out.size() > 1) out += ',';
    out += item ? std::to_string(*item) : "NULL";
  }
  return out + '}';
}
inline std::string bigint_array(const std::vector<std::int64_t>& items) {
  std::string out = "{";
  for (const auto item : items) {
    if (out.size() > 1) out += ',';
    out += std::to_string(item);
  }
  return out + '}';
}

}  // namespace domainscan::store::postgres
