#pragma once
// `domainscan scan DOMAIN...`: the engine on its own, no database or bus; results to stdout.
#include "core/settings.hpp"

#include <boost/json/object.hpp>

#include <string>
#include <vector>

namespace domainscan::app {

enum class OutputFormat { json, text };

int run_scan_command(const Settings& settings, const std::vector<std::string>& domains, OutputFormat format);

// A scan result ({"domain", "checks", ...}) as indented human-readable text.
std::string render_text(const boost::json::object& result);

}  // namespace domainscan::app
