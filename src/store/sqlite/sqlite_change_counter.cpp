#include "store/sqlite/sqlite_change_counter.hpp"

#include <spdlog/spdlog.h>

namespace domainscan::store::sqlite {

SqliteChangeCounter::SqliteChangeCounter(const std::string& path) : conn_(path) {}

ChangeVersions SqliteChangeCounter::current() {
  std::lock_guard lock(mutex_);
  try {
    auto st = conn_.prepare("PRAGMA data_version");
    if (!st.step()) return {};
    const auto version = static_cast<std::uint64_t>(st.int64(0));
    return {version, version};
  } catch (const std::exception& e) {
    spdlog::warn("sqlite: cannot read the change counter: {}", e.what());
    return {};
  }
}

}  // namespace domainscan::store::sqlite
