#pragma once
// Counters of changes to what is stored, by this process or any other, read without a trip
// to the database pool: what lets the API keep rendered answers (api/read_cache.hpp) and
// still never give one made before the data it shows changed.
#include <cstdint>
#include <optional>

namespace domainscan::store {

struct ChangeVersions {
  // Moves whenever anything stored changes. nullopt: this database cannot tell without
  // slowing every writer (PostgreSQL), or cannot tell now: nothing that changes in place
  // may be answered from a cache.
  std::optional<std::uint64_t> any;
  // Moves whenever anything is deleted: what is never changed in place once written (a
  // finished scan) may be kept while it stands still. nullopt: cannot tell now.
  std::optional<std::uint64_t> deletions;
};

class ChangeCounter {
 public:
  virtual ~ChangeCounter() = default;
  // Safe from any thread; a counter never comes back to a value it had before (SQLite's is a
  // 64-bit fingerprint of what it reads, so that holds but for a 2^-64 chance of one
  // change going unseen).
  virtual ChangeVersions current() = 0;
};

}  // namespace domainscan::store
