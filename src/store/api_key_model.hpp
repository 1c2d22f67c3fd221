#pragma once
// An API key as the store keeps it: never the key itself, its SHA-256 (auth/api_key.hpp).
#include "core/clock.hpp"

#include <optional>
#include <string>

namespace domainscan::store {

struct ApiKey {
  std::string name;
  std::string scope;   // read, write, admin
  std::string prefix;  // "ds_" and the key's next characters
  std::string hash;    // hex SHA-256 of the key
  TimePoint created_at{};
  std::optional<TimePoint> last_used_at{};
};

}  // namespace domainscan::store
