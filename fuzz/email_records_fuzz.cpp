// The e-mail record parsers on any text: SPF, the tag lists of DMARC / MTA-STS / TLS-RPT,
// and the MTA-STS policy file. They take anything without throwing.
#include "scan/email_records.hpp"

#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  using namespace domainscan::scan::email;
  if (is_spf(text)) parse_spf(text);
  const auto tags = parse_tags(text);
  tag(tags, "p");
  tag(tags, "rua");
  is_dmarc(text);
  is_mta_sts(text);
  is_tls_rpt(text);
  parse_mta_sts_policy(text);
  return 0;
}
