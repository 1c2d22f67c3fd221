#include "core/domain_name.hpp"

#include "core/errors.hpp"
#include "core/text.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/url/parse.hpp>
#include <fmt/format.h>
#include <idn2.h>
#include <libpsl.h>

#include <algorithm>
#include <memory>

namespace domainscan {
namespace {

[[noreturn]] void reject(const char* code, const std::string& message) {
  throw ValidationError(code, message);
}

bool is_ip_literal(std::string_view host) {
  std::string h(host);
  if (h.size() > 2 && h.front() == '[' && h.back() == ']') return true;
  boost::system::error_code ec;
  boost::asio::ip::make_address(h, ec);
  return !ec;
}

// Accepts a bare name or a URL and returns the host part, still in the user's spelling.
std::string extract_host(std::string_view input) {
  const bool has_scheme = input.find("://") != std::string_view::npos;
  const bool looks_like_url = has_scheme || input.find_first_of("/?#") != std::string_view::npos;
  if (!looks_like_url) return std::string(input);

  const std::string url = has_scheme ? std::string(input) : "http://" + std::string(input);
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed) reject("invalid_domain", fmt::format("'{}' is neither a domain name nor a URL", input));
  if (parsed->host_type() == boost::urls::host_type::ipv4 ||
      parsed->host_type() == boost::urls::host_type::ipv6 ||
      parsed->host_type() == boost::urls::host_type::ipvfuture) {
    reject("invalid_domain", "IP addresses are not accepted, only domain names");
  }
  std::string host = parsed->host();  // percent-decoded
  if (host.empty()) reject("invalid_domain", "the URL has no host name");
  return host;
}

// libidn2's UTS#46 mapping silently drops some ASCII (spaces, underscores) instead of failing;
// a name that changes under us is not the one the user meant, so such characters are refused.
void check_ascii_characters(std::string_view host) {
  for (const unsigned char c : host) {
    if (c >= 0x80 || std::isalnum(c) || c == '-' || c == '.') continue;
    reject("invalid_domain", fmt::format("'{}' holds a character not allowed in a host name: '{}'", host,
                                         static_cast<char>(c)));
  }
}

bool is_ascii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](unsigned char c) { return c < 0x80; });
}

void check_lengths(std::string_view name) {
  if (name.size() > kMaxNameLength) {
    reject("invalid_domain",
           fmt::format("the name is {} octets long; at most {} are allowed", name.size(), kMaxNameLength));
  }
  std::size_t start = 0;
  while (start <= name.size()) {
    const auto dot = name.find('.', start);
    const auto end = dot == std::string_view::npos ? name.size() : dot;
    const auto label = name.substr(start, end - start);
    if (label.empty()) reject("invalid_domain", "the name has an empty label");
    if (label.size() > kMaxLabelLength) {
      reject("invalid_domain", fmt::format("the label '{}...' is {} octets long; at most {} are allowed",
                                           label.substr(0, 16), label.size(), kMaxLabelLength));
    }
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
}

std::string to_a_labels(const std::string& host) {
  char* out = nullptr;
  // UTS#46 non-transitional mapping (case folding, width mapping) and IDNA2008 rules;
  // STD3 rules reject characters that cannot appear in a host name.
  const int rc = idn2_to_ascii_8z(host.c_str(), &out,
                                 IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL | IDN2_USE_STD3_ASCII_RULES);
  std::unique_ptr<char, decltype(&idn2_free)> owned(out, &idn2_free);
  if (rc != IDN2_OK) {
    if (rc == IDN2_TOO_BIG_DOMAIN) reject("invalid_domain", "the name is longer than 253 octets");
    // A long Unicode label fails in the Punycode encoder before the label's length is checked.
    if (rc == IDN2_TOO_BIG_LABEL || rc == IDN2_PUNYCODE_BIG_OUTPUT) {
      reject("invalid_domain", "a label is longer than 63 octets");
    }
    reject("invalid_domain", fmt::format("'{}' is not a valid domain name: {}", host, idn2_strerror(rc)));
  }
  return to_lower(owned.get());
}

const psl_ctx_t* public_suffixes() {
  // psl_latest() prefers the system's list (package publicsuffix) over the built-in one.
  static const std::unique_ptr<psl_ctx_t, decltype(&psl_free)> ctx(psl_latest(nullptr), &psl_free);
  return ctx ? ctx.get() : psl_builtin();
}

bool is_listed_suffix(const std::string& suffix) {
  // Without the implicit "*" rule an unknown TLD is not a public suffix.
  return psl_is_public_suffix2(public_suffixes(), suffix.c_str(),
                               PSL_TYPE_ANY | PSL_TYPE_NO_STAR_RULE) != 0;
}

bool has_suffix(const std::string& name, const std::string& suffix) {
  return name.size() > suffix.size() && name.ends_with(suffix) &&
         name[name.size() - suffix.size() - 1] == '.';
}

void check_suffix(const std::string& name, const DomainNameRules& rules) {
  for (const auto& allowed : rules.allowed_suffixes) {
    if (has_suffix(name, allowed)) return;
  }
  if (is_listed_suffix(name)) {
    reject("invalid_domain", fmt::format("'{}' is a public suffix, not a domain under one", name));
  }
  for (auto dot = name.find('.'); dot != std::string::npos; dot = name.find('.', dot + 1)) {
    if (is_listed_suffix(name.substr(dot + 1))) return;
  }
  reject("invalid_domain", fmt::format("'{}' is not under a public suffix", name));
}

}  // namespace

std::string normalize_domain(std::string_view input, const DomainNameRules& rules) {
  input = trim(input);
  if (input.empty()) reject("invalid_domain", "the domain name is empty");
  if (input.size() > 2048) reject("invalid_domain", "the input is far too long for a domain name");

  std::string host = extract_host(input);
  if (!host.empty() && host.back() == '.') host.pop_back();
  if (host.empty()) reject("invalid_domain", "the domain name is empty");
  if (is_ip_literal(host)) reject("invalid_domain", "IP addresses are not accepted, only domain names");
  check_ascii_characters(host);
  if (is_ascii(host)) check_lengths(host);  // precise messages before IDNA's generic ones

  std::string name = to_a_labels(host);
  check_lengths(name);
  if (name.find('.') == std::string::npos) {
    reject("invalid_domain", fmt::format("'{}' is a single label; a registered domain is needed", name));
  }
  check_suffix(name, rules);
  return name;
}

}  // namespace domainscan
