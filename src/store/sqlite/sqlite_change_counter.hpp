#pragma once
// SQLite's own change counter: PRAGMA data_version on a connection of its own, which changes
// whenever another connection (of this process or another) commits. It reads the WAL
// index in shared memory, not the database: microseconds, cheap enough for every cached read,
// and it costs writers nothing. It stands for both counters (any change, deletions).
#include "store/change_counter.hpp"
#include "store/sqlite/sqlite_connection.hpp"

#include <mutex>
#include <string>

namespace domainscan::store::sqlite {

class SqliteChangeCounter final : public ChangeCounter {
 public:
  explicit SqliteChangeCounter(const std::string& path);
  ChangeVersions current() override;

 private:
  std::mutex mutex_;  // one connection, callers on any thread
  Connection conn_;   // never writes: every commit it sees is someone else's
};

}  // namespace domainscan::store::sqlite
