#pragma once
// Turns findings into a score (0-100) and a grade (A+ to F); the rubric is documented in
// docs/grading.md, and the two must change together.
#include <boost/json/array.hpp>

#include <string>

namespace domainscan::scan {

struct Grade {
  int score = 100;
  std::string grade;
};

// Points each finding costs, by severity.
int penalty(std::string_view severity);

Grade grade_findings(const boost::json::array& findings);

}  // namespace domainscan::scan
