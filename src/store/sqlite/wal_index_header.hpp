#pragma once
// The header of SQLite's WAL index, read straight from shared memory. Every connection to a
// database in WAL mode maps the "-shm" file next to it; its first 96 bytes are two copies of
// a 48-byte header that a writer rewrites at every commit (and at every restart of the WAL),
// the second copy first, then the first (https://www.sqlite.org/walformat.html, section 2.1).
// A reader that reads the first copy, then the second, and finds them equal (and their
// checksum right) has a header no writer was halfway through: SQLite's own readers do exactly
// this to begin a transaction. Reading it costs a few loads, where PRAGMA data_version costs
// a read transaction and its file locks (fcntl calls) on every call.
//
// It reads the memory SQLite itself mapped for a connection (wal_index_region()), never a
// descriptor of its own on the "-shm" file: closing one would release every POSIX lock the
// process holds on that file, SQLite's included, and the next process to open the database
// would take itself for the first and truncate the index under every mapping (SIGBUS in
// SQLite, seen with the sqlite3 shell next to `serve`). The region stays mapped while that
// connection is open, so its owner keeps it open for as long as it reads
// (store/sqlite/sqlite_change_counter.hpp).
#include <cstdint>
#include <memory>
#include <optional>

struct sqlite3;

namespace domainscan::store::sqlite {

// The first region of the WAL index as SQLite mapped it for `db` (through its VFS's xShmMap),
// or nullptr: not in WAL mode, no read yet, or a VFS without shared memory.
const volatile void* wal_index_region(sqlite3* db);

class WalIndexHeader {
 public:
  // Reads the header at the start of `region` (which must stay mapped while this is used).
  // nullptr when there is no header this code can read: none yet, or of another version.
  static std::unique_ptr<WalIndexHeader> over(const volatile void* region);

  // A 64-bit fingerprint of the header, which changes with every commit by any connection of
  // any process (the header holds a counter of its rewrites, the WAL's frame count, salts and
  // the running checksum of its frames). nullopt while a writer is rewriting it.
  std::optional<std::uint64_t> fingerprint() const;

 private:
  explicit WalIndexHeader(const volatile void* region) : region_(region) {}

  const volatile void* region_;
};

}  // namespace domainscan::store::sqlite
