#include "store/sqlite/sqlite_change_counter.hpp"

#include <spdlog/spdlog.h>

namespace domainscan::store::sqlite {

SqliteChangeCounter::SqliteChangeCounter(const std::string& path) : conn_(path) {}

std::optional<std::uint64_t> SqliteChangeCounter::current() {
  std::lock_guard lock(mutex_);
  try {
    auto st = conn_.prepare("PRAGMA data_version");
    if (!st.step()) return std::nullopt;
    return static_cast<std::uint64_t>(st.int64(0));
  } catch (const std::exception& e) {
    spdlog::warn("sqlite: cannot read the change counter: {}", e.what());
    return std::nullopt;
  }
}

}  // namespace domainscan::store::sqlite
