#include "store/store.hpp"

#include "core/errors.hpp"
#include "store/postgres/postgres_store.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace domainscan::store {

// Seconds libpq waits for a connection before the store reports the database unavailable.
constexpr const char* kPostgresConnectTimeout = "connect_timeout=5";

std::unique_ptr<Store> open_store(const std::string& url, std::size_t pool_size) {
  std::unique_ptr<Store> store;
  if (url.starts_with("sqlite:")) {
    store = std::make_unique<sqlite::SqliteStore>(url.substr(7), pool_size);
  } else if (url.starts_with("postgresql://") || url.starts_with("postgres://")) {
    std::string conninfo = url;
    if (conninfo.find("connect_timeout=") == std::string::npos) {
      conninfo += (conninfo.find('?') == std::string::npos ? "?" : "&");
      conninfo += kPostgresConnectTimeout;
    }
    store = std::make_unique<postgres::PostgresStore>(conninfo, pool_size);
  } else {
    throw ValidationError("invalid_setting", "unknown database URL '" + url + "' (sqlite:PATH or postgresql://...)");
  }
  store->migrate();
  return store;
}

}  // namespace domainscan::store
