// The rubric of docs/grading.md.
#include "scan/grading.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

namespace domainscan::scan {
namespace {

boost::json::array findings(std::initializer_list<const char*> severities) {
  boost::json::array out;
  for (const char* s : severities) out.push_back(boost::json::object{{"id", "x"}, {"severity", s}});
  return out;
}

TEST(Grading, NothingFoundIsAPlus) {
  const auto g = grade_findings({});
  EXPECT_EQ(g.score, 100);
  EXPECT_EQ(g.grade, "A+");
  EXPECT_EQ(grade_findings(findings({"low", "info"})).grade, "A+");
}

TEST(Grading, PointsBySeverity) {
  EXPECT_EQ(grade_findings(findings({"medium"})).score, 90);
  EXPECT_EQ(grade_findings(findings({"medium"})).grade, "A");
  EXPECT_EQ(grade_findings(findings({"high"})).grade, "B");
  EXPECT_EQ(grade_findings(findings({"high", "medium"})).grade, "C");
  EXPECT_EQ(grade_findings(findings({"high", "high"})).grade, "D");
  EXPECT_EQ(grade_findings(findings({"high", "high", "medium"})).grade, "E");
  EXPECT_EQ(grade_findings(findings({"high", "high", "high"})).grade, "F");
  EXPECT_EQ(grade_findings(findings({"high", "high", "high", "high", "high", "high"})).score, 0);
}

TEST(Grading, ACriticalFindingFails) {
  const auto g = grade_findings(findings({"critical"}));
  EXPECT_EQ(g.score, 60);
  EXPECT_EQ(g.grade, "F");
}

}  // namespace
}  // namespace domainscan::scan
