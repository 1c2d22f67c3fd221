#pragma once
// RFC 3339 UTC timestamps, the form every time takes in the API and in SQLite:
// "2026-11-24T20:56:00.123Z". Fixed width, so they sort as text.
#include "core/clock.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace domainscan {

std::string to_rfc3339(TimePoint t);
// nullopt if the text is not of the form above (offsets other than Z are accepted too).
std::optional<TimePoint> parse_rfc3339(std::string_view text);

}  // namespace domainscan
