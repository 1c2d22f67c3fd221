// The HTTP check's header parsers (HSTS, Set-Cookie) on any header value: they take
// anything and always answer the fields they promise.
#include "scan/http_headers.hpp"

#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view header(reinterpret_cast<const char*>(data), size);
  const auto hsts = domainscan::scan::parse_hsts(header);
  if (!hsts.contains("max_age") || !hsts.at("include_subdomains").is_bool()) std::abort();
  const auto cookie = domainscan::scan::parse_set_cookie(header);
  if (!cookie.at("name").is_string() || !cookie.at("secure").is_bool()) std::abort();
  return 0;
}
