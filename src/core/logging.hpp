#pragma once
// Structured logging on spdlog: human text on stderr, or one JSON object per line.
#include <spdlog/formatter.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace domainscan {

enum class LogFormat { text, json };

// Throws ValidationError for an unknown level. Safe to call more than once.
void init_logging(const std::string& level, LogFormat format);

// The formatter init_logging installs: "TIME LEVEL message", or one JSON object a line
// {"time", "level", "thread", ["scan_id", "domain",] "msg"}.
std::unique_ptr<spdlog::formatter> make_log_formatter(LogFormat format);

// What starts every log line about one scan: "[scan 42 example.com] ". JSON logs turn it
// into the fields scan_id and domain, so that one scan can be followed through the api, the
// workers and the scheduler (filter on the fields, or grep the tag in text logs).
std::string scan_tag(std::int64_t scan_id, std::string_view domain);

}  // namespace domainscan
