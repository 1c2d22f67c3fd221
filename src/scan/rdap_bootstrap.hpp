#pragma once
// The IANA RDAP bootstrap data for domain names (RFC 9224): which RDAP server serves which
// TLD. The project ships a snapshot (data/rdap-dns.json, compiled into the binary).
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace domainscan::scan {

class RdapBootstrap {
 public:
  // Throws std::invalid_argument if the text is not a bootstrap file.
  static RdapBootstrap parse(std::string_view json_text);
  static const RdapBootstrap& shipped();  // data/rdap-dns.json

  // The base URL (ending in '/') of the server for `domain`: the entry for the longest
  // matching suffix, an https URL preferred; nullopt if none.
  std::optional<std::string> base_url_for(std::string_view domain) const;
  std::size_t size() const { return by_suffix_.size(); }

 private:
  std::unordered_map<std::string, std::string> by_suffix_;  // "com" -> "https://..."
};

std::string_view shipped_rdap_bootstrap();  // generated from data/rdap-dns.json

}  // namespace domainscan::scan
