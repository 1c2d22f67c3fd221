#pragma once
// Turns findings into a score (0-100) and a grade (A+ to F); the rubric is documented in
// docs/grading.md, and the two must change together.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <optional>
#include <string>

namespace domainscan::scan {

struct Grade {
  int score = 100;
  std::string grade;
};

// Points each finding costs, by severity.
int penalty(std::string_view severity);

Grade grade_findings(const boost::json::array& findings);

// A whole scan's grade: a statement about the domain's own servers, so only given when
// there is evidence (docs/grading.md, "When a scan gets a grade").
struct ScanGrade {
  std::optional<std::string> grade;
  std::optional<int> score;
  std::optional<std::string> reason;  // why there is no grade
  // "<check>.not_checked" findings for checks of the domain's servers that could not run:
  // what they would have seen is unknown, and unknown is not worth full marks.
  boost::json::array findings;
};

// checks: the result's "checks" object; findings: what the checks found.
ScanGrade grade_scan(const boost::json::object& checks, const boost::json::array& findings);

}  // namespace domainscan::scan
