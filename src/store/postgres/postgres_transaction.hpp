#pragma once
// PostgresStore::in_transaction, for the files that implement the store's methods
// (postgres_store.cpp, postgres_webhooks.cpp).
#include "core/errors.hpp"
#include "store/postgres/postgres_store.hpp"

#include <fmt/format.h>

#include <optional>
#include <type_traits>

namespace domainscan::store::postgres {

template <typename Fn>
auto PostgresStore::in_transaction(Fn&& fn) {
  std::optional<ConnectionPool<PostgresConnection>::Lease> lease;
  try {
    lease.emplace(pool_.acquire());
    pqxx::work tx(**lease);
    (*lease)->transaction_began();
    if constexpr (std::is_void_v<decltype(fn(tx))>) {
      fn(tx);
      tx.commit();
    } else {
      auto result = fn(tx);
      tx.commit();
      return result;
    }
  } catch (const pqxx::broken_connection& e) {
    if (lease) lease->mark_broken();
    throw UnavailableError(fmt::format("postgresql: {}", e.what()));
  } catch (const pqxx::in_doubt_error& e) {
    if (lease) lease->mark_broken();
    throw UnavailableError(fmt::format("postgresql: {}", e.what()));
  } catch (const pqxx::sql_error& e) {
    // Class 08 (connection exception) and 57 (operator intervention: the server is
    // shutting down or starting up) mean the database, not the statement, is the problem.
    const std::string state = e.sqlstate();
    if (state.starts_with("08") || state.starts_with("57")) {
      if (lease) lease->mark_broken();
      throw UnavailableError(fmt::format("postgresql: {}", e.what()));
    }
    throw;
  }
}

}  // namespace domainscan::store::postgres
