// The Store's API keys on SQLite.
#include "store/sqlite/sqlite_fields.hpp"
#include "store/sqlite/sqlite_store.hpp"

#include <fmt/format.h>

namespace domainscan::store::sqlite {
namespace {

constexpr std::string_view kKeyColumns = "name, scope, prefix, hash, created_at, last_used_at";

ApiKey read_key(const Statement& st) {
  return ApiKey{st.text(0), st.text(1), st.text(2), st.text(3), time_of_ms(st.int64(4)), optional_time_ms(st, 5)};
}

}  // namespace

bool SqliteStore::create_api_key(const ApiKey& key) {
  auto conn = pool_.acquire();
  conn->prepare("INSERT OR IGNORE INTO api_keys (name, scope, prefix, hash, created_at) VALUES (?, ?, ?, ?, ?)")
      .bind_all(key.name, key.scope, key.prefix, key.hash, to_ms(key.created_at))
      .run();
  return conn->changes() > 0;
}

std::vector<ApiKey> SqliteStore::list_api_keys() {
  auto conn = pool_.acquire();
  auto st = conn->prepare(fmt::format("SELECT {} FROM api_keys ORDER BY name", kKeyColumns));
  std::vector<ApiKey> out;
  while (st.step()) out.push_back(read_key(st));
  return out;
}

bool SqliteStore::revoke_api_key(const std::string& name) {
  auto conn = pool_.acquire();
  conn->prepare("DELETE FROM api_keys WHERE name = ?").bind_all(name).run();
  return conn->changes() > 0;
}

std::optional<ApiKey> SqliteStore::find_api_key(const std::string& hash) {
  auto conn = pool_.acquire();
  auto st = conn->prepare(fmt::format("SELECT {} FROM api_keys WHERE hash = ?", kKeyColumns));
  st.bind_all(hash);
  if (!st.step()) return std::nullopt;
  return read_key(st);
}

void SqliteStore::touch_api_key(const std::string& hash, TimePoint used_at) {
  auto conn = pool_.acquire();
  conn->prepare("UPDATE api_keys SET last_used_at = ? WHERE hash = ?").bind_all(to_ms(used_at), hash).run();
}

}  // namespace domainscan::store::sqlite
