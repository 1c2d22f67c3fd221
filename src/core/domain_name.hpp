#pragma once
// Turns what a person typed ("Example.COM", "https://bücher.de/path") into the one stored
// form of a domain name: lower case, IDNA2008 A-labels, no trailing dot, under a public
// suffix. Throws ValidationError with a code the API reports as-is.
#include <string>
#include <string_view>
#include <vector>

namespace domainscan {

// Longest name and label, in octets of the A-label form (RFC 1035 section 2.3.4).
inline constexpr std::size_t kMaxNameLength = 253;
inline constexpr std::size_t kMaxLabelLength = 63;

struct DomainNameRules {
  // Suffixes accepted although they are not on the public suffix list (e.g. "test").
  std::vector<std::string> allowed_suffixes;
};

std::string normalize_domain(std::string_view input, const DomainNameRules& rules);

}  // namespace domainscan
