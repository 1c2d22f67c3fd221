#pragma once
// Small ASCII text helpers shared by the parsers (settings, domain names, HTTP headers,
// e-mail records). Case folding is ASCII only: every protocol token compared here is ASCII.
#include <algorithm>
#include <cctype>
#include <optional>
#include <string>
#include <string_view>

namespace domainscan {

inline char ascii_lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

inline std::string to_lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), ascii_lower);
  return out;
}

inline bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return ascii_lower(x) == ascii_lower(y); });
}

inline std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// Splits "name[=value]; name[=value]..." (HSTS, Set-Cookie, DMARC, TLS-RPT, MTA-STS) and
// calls f(name, value) for each non-empty part, trimmed; value is nullopt when there is no '='.
template <class F>
void for_each_directive(std::string_view s, F f) {
  while (!s.empty()) {
    const auto semi = s.find(';');
    const auto part = trim(s.substr(0, semi));
    if (!part.empty()) {
      const auto eq = part.find('=');
      f(trim(part.substr(0, eq)),
        eq == std::string_view::npos ? std::optional<std::string_view>() : trim(part.substr(eq + 1)));
    }
    if (semi == std::string_view::npos) break;
    s.remove_prefix(semi + 1);
  }
}

}  // namespace domainscan
