#include "core/duration.hpp"

#include "core/errors.hpp"

#include <fmt/format.h>

#include <charconv>
#include <limits>

namespace domainscan {
namespace {

std::int64_t unit_ms(std::string_view unit) {
  if (unit == "ms") return 1;
  if (unit == "s") return 1000;
  if (unit == "m") return 60 * 1000;
  if (unit == "h") return 60 * 60 * 1000;
  if (unit == "d") return 24 * 60 * 60 * 1000;
  return 0;
}

}  // namespace

std::chrono::milliseconds parse_duration(std::string_view text) {
  const auto bad = [&](const char* why) {
    return ValidationError("invalid_duration",
                           fmt::format("'{}' is not a duration ({}); write e.g. 10s, 500ms, 2m, 1h30m", text, why));
  };
  if (text.empty()) throw bad("empty");
  std::int64_t total = 0;
  std::string_view rest = text;
  while (!rest.empty()) {
    std::int64_t value = 0;
    const auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), value);
    if (ec != std::errc{} || value < 0) throw bad("expected a number");
    rest.remove_prefix(static_cast<std::size_t>(end - rest.data()));
    std::size_t unit_len = 0;
    while (unit_len < rest.size() && std::isalpha(static_cast<unsigned char>(rest[unit_len]))) ++unit_len;
    const auto ms = unit_ms(rest.substr(0, unit_len));
    if (ms == 0) throw bad("expected a unit: ms, s, m, h or d");
    if (value > std::numeric_limits<std::int64_t>::max() / ms - total / ms) throw bad("too large");
    total += value * ms;
    rest.remove_prefix(unit_len);
  }
  return std::chrono::milliseconds(total);
}

std::string format_duration(std::chrono::milliseconds d) {
  const auto ms = d.count();
  if (ms % 1000 != 0) return fmt::format("{}ms", ms);
  if (ms % 60000 != 0) return fmt::format("{}s", ms / 1000);
  if (ms % 3600000 != 0) return fmt::format("{}m", ms / 60000);
  return fmt::format("{}h", ms / 3600000);
}

}  // namespace domainscan
