#pragma once
// Structured logging on spdlog: human text on stderr, or one JSON object per line.
#include <string>

namespace domainscan {

enum class LogFormat { text, json };

// Throws ValidationError for an unknown level. Safe to call more than once.
void init_logging(const std::string& level, LogFormat format);

}  // namespace domainscan
