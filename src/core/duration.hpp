#pragma once
// Durations as people write them in settings: "10s", "500ms", "2m", "1h30m".
#include <chrono>
#include <string>
#include <string_view>

namespace domainscan {

// Throws ValidationError for anything else (no unit, unknown unit, negative, overflow).
std::chrono::milliseconds parse_duration(std::string_view text);
std::string format_duration(std::chrono::milliseconds d);

}  // namespace domainscan
