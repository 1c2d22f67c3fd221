#pragma once
// A number that changes whenever anything stored changes, by this process or any other,
// read without a trip to the database pool: what lets the API keep rendered answers
// (api/read_cache.hpp) and still never give one made before the data it shows changed.
#include <cstdint>
#include <optional>

namespace domainscan::store {

class ChangeCounter {
 public:
  virtual ~ChangeCounter() = default;
  // The current value; nullopt when the counter cannot tell now (its connection is down):
  // nothing may be answered from a cache then. Safe from any thread.
  virtual std::optional<std::uint64_t> current() = 0;
};

}  // namespace domainscan::store
