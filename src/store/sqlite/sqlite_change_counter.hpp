#pragma once
// SQLite's own change counter, which moves whenever any connection (of this process or
// another) commits. Read from the WAL index's header in shared memory
// (store/sqlite/wal_index_header.hpp): a few loads, no lock, no system call, which is what a
// cached read can afford on every request. Where there is no such header to read (a database
// not in WAL mode), PRAGMA data_version on the connection of its own. Either stands for both
// counters (any change, deletions).
#include "store/change_counter.hpp"
#include "store/sqlite/sqlite_connection.hpp"
#include "store/sqlite/wal_index_header.hpp"

#include <memory>
#include <mutex>
#include <string>

namespace domainscan::store::sqlite {

class SqliteChangeCounter final : public ChangeCounter {
 public:
  explicit SqliteChangeCounter(const std::string& path);
  ChangeVersions current() override;
  // Whether it reads the WAL index's header (else PRAGMA data_version).
  bool reads_wal_index() const { return header_ != nullptr; }

 private:
  ChangeVersions data_version();

  std::mutex mutex_;  // the connection's, for callers on any thread
  // Never writes: every commit it sees is someone else's. Kept open while the header is read:
  // the header is read in this connection's mapping of the WAL index.
  Connection conn_;
  std::unique_ptr<WalIndexHeader> header_;
};

}  // namespace domainscan::store::sqlite
