#include "core/time_format.hpp"

#include <date/date.h>

#include <sstream>

namespace domainscan {

std::string to_rfc3339(TimePoint t) { return date::format("%FT%TZ", t); }

std::optional<TimePoint> parse_rfc3339(std::string_view text) {
  for (const char* fmt : {"%FT%T%Ez", "%FT%TZ", "%F %T%Ez", "%F %T"}) {
    std::istringstream in{std::string(text)};
    std::chrono::time_point<Clock, std::chrono::microseconds> t;
    in >> date::parse(fmt, t);
    if (!in.fail()) return std::chrono::floor<std::chrono::milliseconds>(t);
  }
  return std::nullopt;
}

}  // namespace domainscan
