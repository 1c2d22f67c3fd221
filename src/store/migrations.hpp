#pragma once
// SQL migrations, embedded at build time from src/store/migrations/<backend>/NNN_name.sql.
#include <string>
#include <vector>

namespace domainscan::store {

struct Migration {
  std::string name;  // file name without .sql; applied in this order, recorded by name
  std::string sql;
};

const std::vector<Migration>& sqlite_migrations();
const std::vector<Migration>& postgres_migrations();

}  // namespace domainscan::store
