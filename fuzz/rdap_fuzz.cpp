// The RDAP summary on any JSON a registry could send (the bytes parsed first, as the check
// does): it takes any shape without throwing, and always answers the fields it promises.
#include "scan/rdap_summary.hpp"

#include <boost/json/parse.hpp>

#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  boost::system::error_code ec;
  const auto value = boost::json::parse(std::string_view(reinterpret_cast<const char*>(data), size), ec);
  if (ec) return 0;
  const auto out = domainscan::scan::summarize_rdap_domain(value);
  if (!out.at("statuses").is_array() || !out.at("nameservers").is_array() || !out.contains("registrar")) std::abort();
  return 0;
}
