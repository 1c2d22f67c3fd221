// The Store's API keys on PostgreSQL.
#include "store/postgres/postgres_fields.hpp"
#include "store/postgres/postgres_store.hpp"
#include "store/postgres/postgres_transaction.hpp"

namespace domainscan::store::postgres {
namespace {

const std::string kKeyColumns = fmt::format("name, scope, prefix, hash, {}, {}", ms("created_at"), ms("last_used_at"));

ApiKey read_key(const pqxx::row& r) {
  return ApiKey{r[0].as<std::string>(), r[1].as<std::string>(), r[2].as<std::string>(),
                r[3].as<std::string>(), time_of(r[4]),          optional_time(r[5])};
}

}  // namespace

bool PostgresStore::create_api_key(const ApiKey& key) {
  return in_transaction([&](pqxx::work& tx) {
    return exec_prepared_sql(tx,
                             "INSERT INTO api_keys (name, scope, prefix, hash, created_at) "
                             "VALUES ($1, $2, $3, $4, to_timestamp($5::bigint / 1000.0)) ON CONFLICT DO NOTHING",
                             key.name, key.scope, key.prefix, key.hash, to_ms(key.created_at))
               .affected_rows() > 0;
  });
}

std::vector<ApiKey> PostgresStore::list_api_keys() {
  return in_transaction([&](pqxx::work& tx) {
    std::vector<ApiKey> out;
    for (const auto& r : tx.exec(fmt::format("SELECT {} FROM api_keys ORDER BY name", kKeyColumns))) {
      out.push_back(read_key(r));
    }
    return out;
  });
}

bool PostgresStore::revoke_api_key(const std::string& name) {
  return in_transaction([&](pqxx::work& tx) {
    return exec_prepared_sql(tx, "DELETE FROM api_keys WHERE name = $1", name).affected_rows() > 0;
  });
}

std::optional<ApiKey> PostgresStore::find_api_key(const std::string& hash) {
  return in_transaction([&](pqxx::work& tx) -> std::optional<ApiKey> {
    const auto rows = exec_prepared_sql(tx, fmt::format("SELECT {} FROM api_keys WHERE hash = $1", kKeyColumns), hash);
    if (rows.empty()) return std::nullopt;
    return read_key(rows[0]);
  });
}

void PostgresStore::touch_api_key(const std::string& hash, TimePoint used_at) {
  in_transaction([&](pqxx::work& tx) {
    exec_prepared_sql(tx, "UPDATE api_keys SET last_used_at = to_timestamp($1::bigint / 1000.0) WHERE hash = $2",
                      to_ms(used_at), hash);
  });
}

}  // namespace domainscan::store::postgres
