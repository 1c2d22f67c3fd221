// What the reputation check makes of VirusTotal v3 answers, and the findings they mean.
#include "scan/reputation.hpp"
#include "support/findings.hpp"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

namespace domainscan::scan {
namespace {

namespace json = boost::json;

json::value answer(int malicious, int suspicious, int reputation) {
  return json::parse(R"({"data": {"id": "example.com", "type": "domain", "attributes": {
      "last_analysis_date": 1764000000, "reputation": )" + std::to_string(reputation) + R"(,
      "last_analysis_stats": {"malicious": )" + std::to_string(malicious) + R"(, "suspicious": )" +
                     std::to_string(suspicious) + R"(, "harmless": 60, "undetected": 9, "timeout": 0},
      "categories": {"A": "news", "B": "information technology", "C": "news"}}}})");
}

std::vector<std::string> findings_of(const json::object& summary) {
  CheckResult r;
  add_reputation_findings(summary, r);
  return testing::finding_ids(r.findings);
}

TEST(ReputationSummary, ReadsTheStatsReputationCategoriesAndDate) {
  const auto s = summarize_virustotal_domain(answer(3, 1, -12));
  EXPECT_EQ(s.at("source"), "virustotal");
  EXPECT_EQ(s.at("known"), true);
  EXPECT_EQ(s.at("malicious"), 3);
  EXPECT_EQ(s.at("suspicious"), 1);
  EXPECT_EQ(s.at("harmless"), 60);
  EXPECT_EQ(s.at("undetected"), 9);
  EXPECT_EQ(s.at("reputation"), -12);
  EXPECT_EQ(s.at("categories"), (json::array{"information technology", "news"}));
  EXPECT_EQ(s.at("last_analysis_date"), "2025-11-24T16:00:00.000Z");
}

TEST(ReputationSummary, MissingFieldsCountAsZeroAndNotAnObjectIsAnError) {
  const auto s = summarize_virustotal_domain(json::parse(R"({"data": {"attributes": {}}})"));
  EXPECT_EQ(s.at("malicious"), 0);
  EXPECT_EQ(s.at("categories"), json::array{});
  EXPECT_TRUE(s.at("last_analysis_date").is_null());
  EXPECT_THROW(summarize_virustotal_domain(json::parse(R"({"error": {"code": "NotFoundError"}})")),
               std::invalid_argument);
  EXPECT_THROW(summarize_virustotal_domain(json::parse("[1, 2]")), std::invalid_argument);
}

TEST(ReputationSummary, ADateOutsideTheCalendarIsNoDate) {
  // Found by fuzzing (fuzz/corpus/virustotal/regression-huge-date): seconds that overflow
  // the conversion to milliseconds were undefined behaviour.
  for (const char* date : {"222222222764000000", "-5", "253402300800"}) {
    const auto summary = summarize_virustotal_domain(boost::json::parse(
        std::string(R"({"data": {"attributes": {"last_analysis_date": )") + date + "}}}"));
    EXPECT_TRUE(summary.at("last_analysis_date").is_null()) << date;
  }
  const auto last = summarize_virustotal_domain(
      boost::json::parse(R"({"data": {"attributes": {"last_analysis_date": 253402300799}}})"));
  EXPECT_EQ(last.at("last_analysis_date"), "9999-12-31T23:59:59.000Z");
}

TEST(ReputationSummary, TwoMaliciousVerdictsAreCriticalOneIsSuspicious) {
  EXPECT_EQ(findings_of(summarize_virustotal_domain(answer(2, 0, 0))),
            std::vector<std::string>{"reputation.malicious"});
  EXPECT_EQ(findings_of(summarize_virustotal_domain(answer(1, 0, 0))),
            std::vector<std::string>{"reputation.suspicious"});
  EXPECT_EQ(findings_of(summarize_virustotal_domain(answer(0, 2, 0))),
            std::vector<std::string>{"reputation.suspicious"});
  EXPECT_EQ(findings_of(summarize_virustotal_domain(answer(0, 0, -1))),
            std::vector<std::string>{"reputation.negative_community_score"});
  EXPECT_TRUE(findings_of(summarize_virustotal_domain(answer(0, 0, 10))).empty());
}

TEST(ReputationSummary, CountsOfAnotherTypeAreZeroAndHugeOnesStayPositive) {
  const auto s = summarize_virustotal_domain(json::parse(R"({"data": {"attributes": {
      "last_analysis_stats": {"malicious": "5", "suspicious": 2.5, "harmless": 18446744073709551615, "undetected": null},
      "reputation": true, "categories": {"A": 7, "B": "news", "C": null},
      "last_analysis_date": "2025-11-24"}}})"));
  EXPECT_EQ(s.at("malicious"), 0);
  EXPECT_EQ(s.at("suspicious"), 0);
  EXPECT_EQ(s.at("harmless"), INT64_MAX);
  EXPECT_EQ(s.at("undetected"), 0);
  EXPECT_EQ(s.at("reputation"), 0);
  EXPECT_EQ(s.at("categories"), (json::array{"news"}));
  EXPECT_TRUE(s.at("last_analysis_date").is_null());
  // Stats that are not an object count as none; data that is not an object is no answer.
  EXPECT_EQ(summarize_virustotal_domain(json::parse(R"({"data": {"attributes": {"last_analysis_stats": [1]}}})"))
                .at("malicious"),
            0);
  EXPECT_THROW(summarize_virustotal_domain(json::parse(R"({"data": "domain"})")), std::invalid_argument);
  EXPECT_THROW(summarize_virustotal_domain(json::parse(R"({"data": {"attributes": []}})")), std::invalid_argument);
}

}  // namespace
}  // namespace domainscan::scan
