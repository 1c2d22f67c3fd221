#pragma once
// Reading and writing PostgreSQL values the same way in every file of the backend. Times
// cross the wire as milliseconds since the epoch: no text formats, no time zones.
#include "core/clock.hpp"

#include <fmt/format.h>
#include <pqxx/pqxx>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace domainscan::store::postgres {

// A timestamptz column as milliseconds since the epoch, for a SELECT list.
inline std::string ms(std::string_view column) {
  return fmt::format("(extract(epoch FROM {}) * 1000)::bigint", column);
}
inline TimePoint time_of(const pqxx::field& f) { return TimePoint(std::chrono::milliseconds(f.as<std::int64_t>())); }
inline std::optional<TimePoint> optional_time(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return time_of(f);
}
inline std::optional<std::string> optional_text(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return f.as<std::string>();
}
inline std::optional<std::int64_t> to_ms(const std::optional<TimePoint>& t) {
  if (!t) return std::nullopt;
  return t->time_since_epoch().count();
}
inline std::int64_t to_ms(TimePoint t) { return t.time_since_epoch().count(); }

// Array parameters in PostgreSQL's array syntax ($1::text[], $1::bigint[]): libpqxx 6
// cannot bind a container, and one array is one round trip where a row each is many.
inline std::string text_array(const std::vector<std::string>& items) {
  std::string out = "{";
  for (const auto& item : items) {
    if (out.size() > 1) out += ',';
    out += '"';
    for (const char c : item) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + '}';
}
inline std::string bigint_array(const std::vector<std::int64_t>& items) {
  std::string out = "{";
  for (const auto item : items) {
    if (out.size() > 1) out += ',';
    out += std::to_string(item);
  }
  return out + '}';
}

}  // namespace domainscan::store::postgres
