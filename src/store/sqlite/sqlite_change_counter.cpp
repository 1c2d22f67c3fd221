#include "store/sqlite/sqlite_change_counter.hpp"

#include <spdlog/spdlog.h>

namespace domainscan::store::sqlite {

SqliteChangeCounter::SqliteChangeCounter(const std::string& path) : conn_(path) {
  // A first read transaction makes the WAL index ready and maps it for this connection,
  // which then holds it for as long as it is open.
  data_version();
  const bool wal = [&] {
    auto mode = conn_.prepare("PRAGMA journal_mode");
    return mode.step() && mode.text(0) == "wal";
  }();
  if (wal) header_ = WalIndexHeader::over(wal_index_region(conn_.handle()));
  if (!header_) spdlog::debug("sqlite: no WAL index to read changes from; PRAGMA data_version instead");
}

ChangeVersions SqliteChangeCounter::current() {
  if (header_) {
    const auto version = header_->fingerprint();  // nullopt while a writer rewrites it
    return {version, version};
  }
  return data_version();
}

ChangeVersions SqliteChangeCounter::data_version() {
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
