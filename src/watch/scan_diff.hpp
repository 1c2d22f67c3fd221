#pragma once
// What differs between two scans of a domain, in the terms people watch: the grade and
// score, findings that appeared or went away (by id), and the fields of each check that
// matter (addresses, name servers, MX, the certificate, TLS protocols, the final URL and
// HSTS, SPF and DMARC policy, registrar, expiry and statuses, reputation verdicts).
// Volatile values (timings, days_left counting down, the order of records) are not changes.
// A check that could not run on one side is a change of its status, not of every field.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <optional>
#include <string>

namespace domainscan::watch {

// One side of the comparison: a completed scan's grade, score and result
// ({"checks": {...}, "findings": [...]}).
struct ScanSide {
  std::optional<std::string> grade;
  std::optional<int> score;
  boost::json::object result;
};

struct ScanDiff {
  // {"grade": {"before", "after"}, "score": {"before", "after"}, "changes": [{"check",
  // "field", "before", "after"}], "new_findings": [...], "resolved_findings": [...]}
  boost::json::object data;
  bool changed = false;  // anything at all differs
};

ScanDiff diff_scans(const ScanSide& before, const ScanSide& after);

}  // namespace domainscan::watch
