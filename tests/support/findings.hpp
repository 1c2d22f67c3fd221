#pragma once
// The finding ids of a check or scan result, for assertions.
#include <boost/json/array.hpp>

#include <algorithm>
#include <string>
#include <vector>

namespace domainscan::testing {

inline std::vector<std::string> finding_ids(const boost::json::array& findings) {
  std::vector<std::string> ids;
  for (const auto& f : findings) ids.emplace_back(f.at("id").as_string());
  return ids;
}

inline bool has_finding(const boost::json::array& findings, const std::string& id) {
  const auto ids = finding_ids(findings);
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

}  // namespace domainscan::testing
