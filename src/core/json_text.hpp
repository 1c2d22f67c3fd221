#pragma once
// Scan data read off the network (TXT and CAA records, HTTP header values, cookie names,
// certificate names, a Location) may be any bytes, and a JSON document may hold only
// UTF-8; PostgreSQL's jsonb refuses a NUL (\u0000) as well. Everything a scan reports passes
// through make_json_text_valid before it is stored or printed.
#include <boost/json/value.hpp>

namespace domainscan {

// Every string in the value (object keys too) made valid UTF-8 without NUL: invalid bytes
// and NULs become U+FFFD. Returns how many strings it changed.
std::size_t make_json_text_valid(boost::json::value& value);

}  // namespace domainscan
