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

// A scan's checks as the engine assembles them: each name with its status (and error or
// reason), e.g. checks({{"dns", "ok"}, {"tls", "error"}}).
boost::json::object checks(std::initializer_list<std::pair<const char*, const char*>> statuses) {
  boost::json::object out;
  for (const auto& [name, status] : statuses) {
    boost::json::object c{{"status", status}};
    if (std::string_view(status) == "error") c["error"] = std::string(name) + " failed";
    if (std::string_view(status) == "skipped") c["reason"] = "the domain has no address";
    out[name] = std::move(c);
  }
  return out;
}

boost::json::array finding(const char* check, const char* id, const char* severity) {
  return {boost::json::object{{"id", id}, {"check", check}, {"severity", severity}, {"message", "m"}}};
}

TEST(ScanGrade, EveryCheckRanIsGradedFromTheFindings) {
  const auto g = grade_scan(
      checks({{"dns", "ok"}, {"tls", "ok"}, {"http", "ok"}, {"email", "ok"}, {"rdap", "ok"}, {"reputation", "ok"}}),
      finding("email", "email.dmarc_missing", "medium"));
  EXPECT_EQ(g.grade, "A");
  EXPECT_EQ(g.score, 90);
  EXPECT_FALSE(g.reason);
  EXPECT_TRUE(g.findings.empty());
}

TEST(ScanGrade, NoGradeWhenTheDnsDidNotAnswer) {
  // The reproduction of issue 11: DNS failed, TLS and HTTP skipped, e-mail failed, and the
  // registry and VirusTotal answered. That was A+ (100): nothing was known about the domain.
  auto c = checks({{"dns", "error"}, {"tls", "skipped"}, {"http", "skipped"}, {"email", "error"}, {"rdap", "ok"},
                   {"reputation", "ok"}});
  c["dns"].as_object()["error_kind"] = "timeout";
  const auto g = grade_scan(c, {});
  EXPECT_FALSE(g.grade);
  EXPECT_FALSE(g.score);
  EXPECT_EQ(g.reason, "the domain's DNS did not answer: timeout");

  c["dns"].as_object()["error_kind"] = "NXDOMAIN";
  EXPECT_EQ(grade_scan(c, {}).reason, "the domain does not exist (NXDOMAIN)");
  c["dns"].as_object()["error_kind"] = "REFUSED";
  EXPECT_NE(grade_scan(c, {}).reason->find("scanner's DNS resolver refused"), std::string::npos);
}

TEST(ScanGrade, NoGradeWhenNeitherTlsNorHttpReachedTheDomain) {
  const auto skipped = grade_scan(checks({{"dns", "ok"}, {"tls", "skipped"}, {"http", "skipped"}, {"email", "ok"}}), {});
  EXPECT_FALSE(skipped.grade);
  EXPECT_EQ(skipped.reason, "neither TLS nor HTTP could be checked: the domain has no address");

  const auto failed = grade_scan(checks({{"dns", "ok"}, {"tls", "error"}, {"http", "error"}, {"email", "ok"}}), {});
  EXPECT_FALSE(failed.grade);
  EXPECT_EQ(failed.reason, "neither HTTPS nor HTTP answered: http failed");
}

TEST(ScanGrade, ATlsHandshakeTheServerFailedIsEvidence) {
  // TLS reported an error, but with what it saw: the server answered, badly. So there is a
  // grade; HTTP saw nothing at all, which is not worth full marks either.
  const auto g = grade_scan(checks({{"dns", "ok"}, {"tls", "error"}, {"http", "error"}, {"email", "ok"}}),
                            finding("tls", "tls.handshake_failed", "high"));
  EXPECT_EQ(g.score, 70);
  EXPECT_EQ(g.grade, "C");
  ASSERT_EQ(g.findings.size(), 1u) << boost::json::serialize(g.findings);
  EXPECT_EQ(g.findings[0].at("id"), "http.not_checked");
}

TEST(ScanGrade, ACheckThatCouldNotRunCostsLikeAMediumFinding) {
  const auto g = grade_scan(checks({{"dns", "ok"}, {"tls", "ok"}, {"http", "ok"}, {"email", "error"}}), {});
  EXPECT_EQ(g.grade, "A");  // not A+: unknown is not worth full marks
  EXPECT_EQ(g.score, 90);
  ASSERT_EQ(g.findings.size(), 1u);
  EXPECT_EQ(g.findings[0].at("id"), "email.not_checked");
  EXPECT_EQ(g.findings[0].at("severity"), "medium");
  EXPECT_NE(std::string(g.findings[0].at("message").as_string()).find("email failed"), std::string::npos);
}

TEST(ScanGrade, HttpsThatDoesNotAnswerIsCountedOnce) {
  // TLS could not connect, and HTTP says the same as http.no_https: one fact, one penalty.
  const auto g = grade_scan(checks({{"dns", "ok"}, {"tls", "error"}, {"http", "ok"}, {"email", "ok"}}),
                            finding("http", "http.no_https", "high"));
  EXPECT_EQ(g.score, 80);
  EXPECT_TRUE(g.findings.empty());
}

TEST(ScanGrade, ThirdPartiesFailingChangeNothing) {
  // The registry and the reputation service are not the domain's servers.
  const auto g = grade_scan(
      checks({{"dns", "ok"}, {"tls", "ok"}, {"http", "ok"}, {"email", "ok"}, {"rdap", "error"}, {"reputation", "error"}}),
      {});
  EXPECT_EQ(g.grade, "A+");
  EXPECT_TRUE(g.findings.empty());
}

TEST(Grading, EachLetterFromItsLowestScore) {
  // 100 - 3 a low, 10 a medium, 20 a high.
  EXPECT_EQ(grade_findings(findings({"low"})).grade, "A+");                       // 97, nothing medium
  EXPECT_EQ(grade_findings(findings({"low", "low"})).grade, "A");                 // 94: under 95
  EXPECT_EQ(grade_findings(findings({"medium", "low"})).grade, "B");              // 87
  EXPECT_EQ(grade_findings(findings({"high"})).score, 80);
  EXPECT_EQ(grade_findings(findings({"high", "low"})).grade, "C");                // 77
  EXPECT_EQ(grade_findings(findings({"high", "medium", "low"})).grade, "D");      // 67
  EXPECT_EQ(grade_findings(findings({"high", "high", "low"})).grade, "E");        // 57
  EXPECT_EQ(grade_findings(findings({"high", "high", "medium", "low"})).grade, "F");  // 47
}

TEST(Grading, FindingsWithoutAKnownSeverityCostNothing) {
  boost::json::array odd{boost::json::object{{"id", "no.severity"}}, boost::json::object{{"severity", 5}},
                         boost::json::object{{"severity", "catastrophic"}}, boost::json::object{{"severity", "info"}}};
  const auto g = grade_findings(odd);
  EXPECT_EQ(g.score, 100);
  EXPECT_EQ(g.grade, "A+");
}

TEST(ScanGrade, NoGradeSaysWhichPartOfTheDnsFailed) {
  // No DNS check at all, and one whose error has no kind: the DNS "did not answer".
  EXPECT_EQ(grade_scan(checks({{"tls", "ok"}}), {}).reason, "the domain's DNS did not answer");
  EXPECT_EQ(grade_scan(checks({{"dns", "error"}}), {}).reason, "the domain's DNS did not answer");
  auto c = checks({{"dns", "error"}});
  c["dns"].as_object()["error_kind"] = "resolver_unreachable";
  EXPECT_NE(grade_scan(c, {}).reason->find("a problem of the scanner, not of the domain"), std::string::npos);
  // A check that is not an object is no check.
  boost::json::object broken{{"dns", "ok"}};
  EXPECT_EQ(grade_scan(broken, {}).reason, "the domain's DNS did not answer");
}

TEST(ScanGrade, NoGradeSaysWhyTheWebChecksFailed) {
  // TLS skipped and HTTP failed: HTTP's error is the reason.
  EXPECT_EQ(grade_scan(checks({{"dns", "ok"}, {"tls", "skipped"}, {"http", "error"}}), {}).reason,
            "neither HTTPS nor HTTP answered: http failed");
  // HTTP skipped and TLS failed: TLS's error.
  EXPECT_EQ(grade_scan(checks({{"dns", "ok"}, {"tls", "error"}, {"http", "skipped"}}), {}).reason,
            "neither HTTPS nor HTTP answered: tls failed");
  // Neither reported (absent): nothing to quote.
  EXPECT_EQ(grade_scan(checks({{"dns", "ok"}}), {}).reason, "neither HTTPS nor HTTP answered");
  // An HTTP error with findings is an answer: graded.
  const auto g = grade_scan(checks({{"dns", "ok"}, {"tls", "skipped"}, {"http", "error"}}),
                            finding("http", "http.bad_status", "medium"));
  EXPECT_TRUE(g.grade);
  EXPECT_FALSE(g.reason);
}

}  // namespace
}  // namespace domainscan::scan
