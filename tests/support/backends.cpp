#include "support/backends.hpp"

#include "support/testbed.hpp"

#include <pqxx/pqxx>

#include <cstdlib>
#include <stdexcept>

namespace domainscan::testing {

FreshDatabase::FreshDatabase(Backend backend) {
  if (backend == Backend::sqlite) {
    url_ = "sqlite:" + (dir_.path() / "test.db").string();
    return;
  }
  url_ = required_env("DOMAINSCAN_TEST_POSTGRES_URL");
  // Empty the schema so each test starts from nothing; the store migrates it again.
  pqxx::connection conn(url_);
  pqxx::work tx(conn);
  tx.exec("DROP SCHEMA public CASCADE");
  tx.exec("CREATE SCHEMA public");
  tx.commit();
}

}  // namespace domainscan::testing
