#pragma once
// The HTTP check's header parsers: plain functions of the header's text (unit tested and
// fuzzed on their own).
#include <boost/json/object.hpp>

#include <string_view>

namespace domainscan::scan {

// Strict-Transport-Security parsed: {"max_age", "include_subdomains", "preload"}.
boost::json::object parse_hsts(std::string_view header);
// One Set-Cookie header's name and flags: {"name", "secure", "http_only", "same_site"}.
boost::json::object parse_set_cookie(std::string_view header);

}  // namespace domainscan::scan
