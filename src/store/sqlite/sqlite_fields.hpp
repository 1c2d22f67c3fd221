#pragma once
// Reading and writing SQLite values the same way in every file of the backend. Most times
// are RFC 3339 text in UTC; the delivery queue's are milliseconds since the epoch.
#include "core/clock.hpp"
#include "core/time_format.hpp"
#include "store/sqlite/sqlite_connection.hpp"

#include <optional>
#include <stdexcept>
#include <string>

namespace domainscan::store::sqlite {

inline std::string now_text() { return to_rfc3339(now_ms()); }

inline TimePoint time_of(const std::string& text) {
  auto t = parse_rfc3339(text);
  if (!t) throw std::runtime_error("sqlite: unreadable time '" + text + "'");
  return *t;
}

inline std::optional<TimePoint> optional_time(const Statement& st, int col) {
  if (st.is_null(col)) return std::nullopt;
  return time_of(st.text(col));
}

inline std::int64_t to_ms(TimePoint t) { return t.time_since_epoch().count(); }
inline TimePoint time_of_ms(std::int64_t ms) { return TimePoint(std::chrono::milliseconds(ms)); }
inline std::optional<TimePoint> optional_time_ms(const Statement& st, int col) {
  if (st.is_null(col)) return std::nullopt;
  return time_of_ms(st.int64(col));
}

}  // namespace domainscan::store::sqlite
