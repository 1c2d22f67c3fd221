#pragma once
// What the reputation check reports from a VirusTotal v3 domain object: a plain function
// of the API's JSON (unit tested and fuzzed on its own).
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>

namespace domainscan::scan {

// source, known, malicious, suspicious, harmless, undetected, reputation, categories,
// last_analysis_date, from {"data": {"attributes": ...}}. Throws std::invalid_argument if
// the answer has no attributes.
boost::json::object summarize_virustotal_domain(const boost::json::value& answer);
// A count in a VirusTotal stats object, 0 when absent or not a whole number.
std::int64_t vt_count(const boost::json::object& stats, const char* key);

}  // namespace domainscan::scan
