#pragma once
// Decoders for the rdata of the record types the DNS check reports (RFC 1035, 3596, 8659).
// libunbound hands over rdata in wire format with names uncompressed. Each throws
// std::invalid_argument on truncated or malformed data.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace domainscan::scan {

// RR type numbers (IANA "Resource Record (RR) TYPEs") of the records the checks ask for.
namespace rrtype {
inline constexpr int A = 1, NS = 2, CNAME = 5, SOA = 6, MX = 15, TXT = 16, AAAA = 28, CAA = 257;
}  // namespace rrtype

}  // namespace domainscan::scan

namespace domainscan::scan::rdata {

struct Mx {
  int preference = 0;
  std::string exchange;
};

struct Caa {
  int flags = 0;
  std::string tag;
  std::string value;
};

struct Soa {
  std::string mname, rname;
  std::uint32_t serial = 0, refresh = 0, retry = 0, expire = 0, minimum = 0;
};

std::string a(std::string_view rdata);
std::string aaaa(std::string_view rdata);
std::string name(std::string_view rdata);  // NS, CNAME, PTR
Mx mx(std::string_view rdata);
// The character-strings of one TXT record, concatenated (as SPF and DMARC read them).
std::string txt(std::string_view rdata);
Caa caa(std::string_view rdata);
Soa soa(std::string_view rdata);

}  // namespace domainscan::scan::rdata
