#pragma once
// The body of POST /api/v1/domains/bulk, in any of its three forms:
//   ["a.com", "b.com"]                                        a JSON array of names
//   {"domains": ["a.com"], "schedule": {"cron", "timezone"}}  with a schedule for the new ones
//   a.com\nb.com\n                                            text, a name a line
// JSON when the Content-Type says so (or, without one that says, when the body starts with
// '[' or '{'); otherwise text, so that `curl --data-binary @domains.txt` works. In text,
// blank lines and lines starting with '#' are skipped. Each entry is judged alone: invalid
// ones are listed, the valid ones go on.
#include "api/http_types.hpp"
#include "core/domain_name.hpp"
#include "store/model.hpp"

#include <optional>
#include <string>
#include <vector>

namespace domainscan::api {

struct BulkInvalid {
  std::size_t position = 0;  // the line (from 1) in text, the index (from 0) in a JSON array
  std::string input;         // what was sent there, as valid UTF-8 and cut to a few hundred bytes
  std::string error;
};

struct BulkRequest {
  bool lines = false;              // text: positions are lines
  std::vector<std::string> names;  // the valid ones normalised, in the order given (repeats kept)
  std::vector<BulkInvalid> invalid;
  std::optional<store::Schedule> schedule;
};

// HttpError 400 for a body of no form above (or a bad schedule), 413 for more than
// max_entries entries (valid or not).
BulkRequest parse_bulk_request(const Request& request, const DomainNameRules& rules, std::size_t max_entries);

}  // namespace domainscan::api
