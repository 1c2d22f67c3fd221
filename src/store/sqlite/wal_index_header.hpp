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
// The mapping is only sound while the file cannot shrink under it: SQLite truncates or zeroes
// the WAL index only when the last connection to the database closes, or when the first one
// opens it, so the owner of this object keeps a connection of its own open for as long as it
// reads (store/sqlite/sqlite_change_counter.hpp).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace domainscan::store::sqlite {

class WalIndexHeader {
 public:
  // nullptr when there is nothing this code can read: no such file (not in WAL mode, or a
  // VFS that keeps the index elsewhere), a file too short, or a header of another version.
  static std::unique_ptr<WalIndexHeader> open(const std::string& shm_path);
  ~WalIndexHeader();
  WalIndexHeader(const WalIndexHeader&) = delete;
  WalIndexHeader& operator=(const WalIndexHeader&) = delete;

  // A 64-bit fingerprint of the header, which changes with every commit by any connection of
  // any process (the header holds a counter of its rewrites, the WAL's frame count, salts and
  // the running checksum of its frames). nullopt while a writer is rewriting it.
  std::optional<std::uint64_t> fingerprint() const;

 private:
  WalIndexHeader(void* map, std::size_t length) : map_(map), length_(length) {}

  void* map_;
  std::size_t length_;
};

}  // namespace domainscan::store::sqlite
