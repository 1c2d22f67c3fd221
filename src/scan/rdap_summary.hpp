#pragma once
// What the RDAP check reports, from an RDAP domain object (RFC 9083): a plain function of
// the registry's JSON (unit tested and fuzzed on its own).
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

namespace domainscan::scan {

// {"registrar", "created", "expires", "statuses", "nameservers"}; what the object lacks is null or empty.
boost::json::object summarize_rdap_domain(const boost::json::value& domain);

}  // namespace domainscan::scan
