#pragma once
// Parsers for the e-mail authentication records the email check reads: SPF (RFC 7208),
// DMARC (RFC 7489), MTA-STS (RFC 8461: the TXT record and the policy file) and TLS-RPT
// (RFC 8460). Pure functions over strings, so each is unit-tested apart from DNS.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace domainscan::scan::email {

// One SPF record. Only what the check reports: the terms that cause DNS lookups (each
// include/redirect target is fetched and counted in turn), and the "all" mechanism.
struct SpfRecord {
  std::vector<std::string> includes;       // include:<domain> targets
  std::optional<std::string> redirect;     // redirect=<domain>
  int lookup_terms = 0;                    // include, a, mx, ptr, exists, redirect (RFC 7208 4.6.4)
  std::optional<std::string> all;          // "+all", "-all", "~all", "?all"
  std::vector<std::string> errors;         // unknown mechanisms, bad syntax
};

bool is_spf(std::string_view txt);  // starts with "v=spf1" as a whole word
SpfRecord parse_spf(std::string_view record);

// "tag=value; tag=value" records (DMARC, MTA-STS TXT, TLS-RPT): tags in order, names as
// written, values trimmed.
using Tags = std::vector<std::pair<std::string, std::string>>;
Tags parse_tags(std::string_view record);
std::optional<std::string> tag(const Tags& tags, std::string_view name);  // case-insensitive name

bool is_dmarc(std::string_view txt);    // v=DMARC1
bool is_mta_sts(std::string_view txt);  // v=STSv1
bool is_tls_rpt(std::string_view txt);  // v=TLSRPTv1

// The MTA-STS policy file: "key: value" lines.
struct MtaStsPolicy {
  std::optional<std::string> version, mode;
  std::optional<long> max_age;
  std::vector<std::string> mx;
  std::vector<std::string> errors;
};
MtaStsPolicy parse_mta_sts_policy(std::string_view text);

}  // namespace domainscan::scan::email
