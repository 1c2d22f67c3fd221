#pragma once
// `domainscan import FILE` (or `-` for stdin): a list of domain names, one a line, sent to a
// running api through POST /api/v1/domains/bulk in batches. On a terminal it shows its
// progress; at the end it prints what was added, known and invalid (with the file's line
// numbers). A batch refused for the rate limit is sent again after the Retry-After the api
// gave; one that met a network error or a 503, a few times with back-off.
#include "core/settings.hpp"

#include <optional>
#include <string>

namespace domainscan::app {

struct ImportCommand {
  std::string file;                   // a path, or "-" for stdin
  std::optional<std::string> api_url;  // default: http:// and --listen (0.0.0.0 as 127.0.0.1)
  std::size_t batch = 1000;            // names a request
  std::optional<std::string> cron;     // a schedule for the new domains
  std::string timezone = "UTC";
};

// Exit status: 0 imported (invalid lines are reported, not failures), 1 the api could not
// take it (unreachable, refused the key, ...), 2 bad input (no such file, a bad URL).
int run_import_command(const Settings& settings, const ImportCommand& command);

}  // namespace domainscan::app
