#pragma once
// The records a DNS answer gives for its question, read from the message in wire format
// (RFC 1035 4.1). libunbound's event mode hands over the answer this way, where its other
// modes parse it into a ub_result; this reads what the resolver used from that result:
// the RCODE, and the rdata of the answer's records of the asked type.
//
// Only the header, the question and the answer section are read: the message comes from
// libunbound, which already parsed and checked it, so this is not a general DNS parser.
// (ldns, in Debian, parses whole messages, but into heap objects for every record and
// field: per answer that is more work than the rest of the resolver's own.)
#include <string>
#include <string_view>
#include <vector>

namespace domainscan::scan {

struct AnswerRecords {
  int rcode = 0;                   // the header's RCODE: 0 NOERROR, 2 SERVFAIL, 3 NXDOMAIN, ...
  std::vector<std::string> rdata;  // wire-format rdata, names uncompressed
  // The question's name is an alias: the answer has a CNAME record owned by it (for a
  // question of another type than CNAME). An NXDOMAIN with this set is about the end of the
  // chain (RFC 6604), not about the name asked.
  bool alias = false;
};

// The records of type `rrtype` (class IN) owned by the question's name, or by the end of the
// chain of CNAME records in the answer section that starts there, in order: what
// libunbound's ub_result holds for the same answer. Names in the rdata of the types whose
// names a server may compress (RFC 3597 section 4: NS, CNAME, SOA, PTR, MX, ...) are written
// out in full, as libunbound does. Throws std::invalid_argument on a message that is cut
// short or malformed (a compression pointer that does not point back, a name over 255
// octets, a record that runs past the end).
AnswerRecords read_answer(std::string_view message, int rrtype);

}  // namespace domainscan::scan
