#pragma once
// The database backends the same tests run against: a SQLite file in a temp directory, and
// the PostgreSQL that tests/run-all.sh started (DOMAINSCAN_TEST_POSTGRES_URL).
#include "support/temp_dir.hpp"

#include <memory>
#include <string>

namespace domainscan::testing {

enum class Backend { sqlite, postgres };

inline std::string backend_name(Backend b) { return b == Backend::sqlite ? "sqlite" : "postgres"; }

// A fresh, empty database of the given kind; its URL stays valid while the object lives.
class FreshDatabase {
 public:
  explicit FreshDatabase(Backend backend);
  const std::string& url() const { return url_; }

 private:
  TempDir dir_;
  std::string url_;
};

}  // namespace domainscan::testing
