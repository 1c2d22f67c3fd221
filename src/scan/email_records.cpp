#include "scan/email_records.hpp"

#include "core/text.hpp"

#include <algorithm>
#include <charconv>
#include <cctype>

namespace domainscan::scan::email {
namespace {

// True if `record` begins with `version` (case-insensitive) followed by the end, a space
// or, for tag records, a ';'.
bool starts_with_version(std::string_view record, std::string_view version) {
  record = trim(record);
  if (record.size() < version.size() || !iequals(record.substr(0, version.size()), version)) return false;
  if (record.size() == version.size()) return true;
  const char next = record[version.size()];
  return next == ' ' || next == ';' || next == '\t';
}

}  // namespace

bool is_spf(std::string_view txt) { return starts_with_version(txt, "v=spf1"); }

SpfRecord parse_spf(std::string_view record) {
  SpfRecord out;
  record = trim(record);
  std::size_t pos = 0;
  bool first = true;
  while (pos < record.size()) {
    const auto end = record.find(' ', pos);
    const auto term = record.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
    pos = end == std::string_view::npos ? record.size() : end + 1;
    if (term.empty()) continue;
    if (first) {  // the version, checked by is_spf
      first = false;
      continue;
    }
    std::string t = to_lower(term);
    if (const auto eq = t.find('='); eq != std::string::npos && t.find(':') > eq) {  // a modifier
      const auto name = t.substr(0, eq);
      if (name == "redirect") {
        out.redirect = std::string(term.substr(eq + 1));
        ++out.lookup_terms;
      } else if (name != "exp") {
        // Unknown modifiers are allowed (RFC 7208 6) and ignored.
      }
      continue;
    }
    char qualifier = '+';
    if (!t.empty() && (t[0] == '+' || t[0] == '-' || t[0] == '~' || t[0] == '?')) {
      qualifier = t[0];
      t.erase(0, 1);
    }
    const auto colon = t.find_first_of(":/");
    const auto mechanism = t.substr(0, colon);
    if (mechanism == "all") {
      out.all = std::string(1, qualifier) + "all";
    } else if (mechanism == "include") {
      if (colon == std::string::npos || t[colon] != ':' || colon + 1 >= t.size()) {
        out.errors.emplace_back("include without a domain");
      } else {
        out.includes.emplace_back(term.substr(term.size() - (t.size() - colon - 1)));
      }
      ++out.lookup_terms;
    } else if (mechanism == "a" || mechanism == "mx" || mechanism == "ptr" || mechanism == "exists") {
      ++out.lookup_terms;
    } else if (mechanism != "ip4" && mechanism != "ip6") {
      out.errors.emplace_back("unknown mechanism '" + std::string(term) + "'");
    }
  }
  return out;
}

Tags parse_tags(std::string_view record) {
  Tags out;
  for_each_directive(record, [&](std::string_view name, std::optional<std::string_view> value) {
    if (value) out.emplace_back(std::string(name), std::string(*value));  // a tag without '=' is not a tag
  });
  return out;
}

std::optional<std::string> tag(const Tags& tags, std::string_view name) {
  for (const auto& [k, v] : tags) {
    if (iequals(k, name)) return v;
  }
  return std::nullopt;
}

bool is_dmarc(std::string_view txt) { return starts_with_version(txt, "v=DMARC1"); }
bool is_mta_sts(std::string_view txt) { return starts_with_version(txt, "v=STSv1"); }
bool is_tls_rpt(std::string_view txt) { return starts_with_version(txt, "v=TLSRPTv1"); }

MtaStsPolicy parse_mta_sts_policy(std::string_view text) {
  MtaStsPolicy out;
  while (!text.empty()) {
    const auto nl = text.find('\n');
    auto line = trim(text.substr(0, nl));
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    if (line.empty()) continue;
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) {
      out.errors.emplace_back("line without ':': " + std::string(line.substr(0, 80)));
      continue;
    }
    const auto key = to_lower(trim(line.substr(0, colon)));
    const auto value = std::string(trim(line.substr(colon + 1)));
    if (key == "version") {
      out.version = value;
    } else if (key == "mode") {
      out.mode = value;
      if (value != "enforce" && value != "testing" && value != "none") out.errors.emplace_back("unknown mode " + value);
    } else if (key == "max_age") {
      long n = 0;
      const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
      if (ec == std::errc{} && end == value.data() + value.size()) out.max_age = n;
      else out.errors.emplace_back("max_age is not a number");
    } else if (key == "mx") {
      out.mx.push_back(value);
    }
  }
  if (out.version != "STSv1") out.errors.emplace_back("the policy has no 'version: STSv1'");
  if (!out.mode) out.errors.emplace_back("the policy has no mode");
  if (!out.max_age) out.errors.emplace_back("the policy has no max_age");
  return out;
}

}  // namespace domainscan::scan::email
