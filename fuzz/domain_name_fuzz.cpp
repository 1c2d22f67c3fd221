// normalize_domain on any bytes: it answers a normalised name or throws ValidationError,
// never anything else; and its answer normalises to itself.
#include "core/domain_name.hpp"
#include "core/errors.hpp"

#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const domainscan::DomainNameRules rules{{"test"}};
  try {
    const auto name = domainscan::normalize_domain(input, rules);
    if (name.empty() || name.size() > domainscan::kMaxNameLength) std::abort();
    if (domainscan::normalize_domain(name, rules) != name) std::abort();  // idempotent
  } catch (const domainscan::ValidationError&) {
    // refused: fine
  }
  return 0;
}
