// The VirusTotal summary on any JSON: a summary, or std::invalid_argument for an answer
// without data.attributes (the check reports that as an error); nothing else.
#include "scan/virustotal_summary.hpp"

#include <boost/json/parse.hpp>

#include <cstdint>
#include <cstdlib>
#include <stdexcept>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  boost::system::error_code ec;
  const auto value = boost::json::parse(std::string_view(reinterpret_cast<const char*>(data), size), ec);
  if (ec) return 0;
  try {
    const auto out = domainscan::scan::summarize_virustotal_domain(value);
    if (!out.at("malicious").is_int64() || !out.at("categories").is_array()) std::abort();
  } catch (const std::invalid_argument&) {
  }
  return 0;
}
