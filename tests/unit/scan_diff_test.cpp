// What watch/scan_diff.hpp calls a change between two scans, and what it does not.
#include "watch/scan_diff.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

namespace domainscan::watch {
namespace {

namespace json = boost::json;

json::object result(json::object checks, json::array findings = {}) {
  return json::object{{"checks", std::move(checks)}, {"findings", std::move(findings)}};
}

json::object web_site() {
  return json::object{
      {"dns", {{"status", "ok"}, {"a", json::array{"192.0.2.1", "192.0.2.2"}}, {"aaaa", json::array{}},
               {"ns", json::array{"ns1.example", "ns2.example"}}, {"mx", json::array{}}, {"dnssec", "insecure"}}},
      {"tls", {{"status", "ok"},
               {"protocols", {{"TLSv1.2", true}, {"TLSv1.3", true}}},
               {"certificate", {{"issuer", "CN=CA 1"}, {"not_after", "2027-01-01T00:00:00Z"}, {"days_left", 33},
                                {"fingerprint_sha256", "AA"}}}}},
      {"http", {{"status", "ok"}, {"final_url", "https://example.com/"}, {"redirects_to_https", true},
                {"hsts", {{"present", true}, {"max_age", 31536000}, {"include_subdomains", false}, {"preload", false}}},
                {"timings", {{"total_ms", 120}}}}},
      {"reputation", {{"status", "ok"}, {"malicious", 0}, {"suspicious", 0}, {"harmless", 60}}},
  };
}

json::object finding(const char* id) {
  return json::object{{"id", id}, {"check", "x"}, {"severity", "medium"}, {"message", "m"}};
}

ScanSide side(json::object checks, json::array findings = {}, std::optional<std::string> grade = "B",
              std::optional<int> score = 80) {
  return ScanSide{std::move(grade), score, result(std::move(checks), std::move(findings))};
}

TEST(ScanDiff, TheSameScanAgainIsNoChange) {
  const auto d = diff_scans(side(web_site()), side(web_site()));
  EXPECT_FALSE(d.changed) << json::serialize(d.data);
  EXPECT_TRUE(d.data.at("changes").as_array().empty());
}

TEST(ScanDiff, VolatileValuesAndRecordOrderAreNotChanges) {
  auto later = web_site();
  later["tls"].as_object()["certificate"].as_object()["days_left"] = 32;        // a day later
  later["http"].as_object()["timings"].as_object()["total_ms"] = 340;          // slower this time
  later["dns"].as_object()["a"] = json::array{"192.0.2.2", "192.0.2.1"};        // same set
  later["reputation"].as_object()["harmless"] = 63;                             // vendors re-ran
  EXPECT_FALSE(diff_scans(side(web_site()), side(later)).changed);
}

TEST(ScanDiff, FieldsThatMatterAreReportedBeforeAndAfter) {
  auto later = web_site();
  later["dns"].as_object()["a"] = json::array{"192.0.2.9"};
  later["tls"].as_object()["certificate"].as_object()["fingerprint_sha256"] = "BB";
  later["tls"].as_object()["certificate"].as_object()["not_after"] = "2027-04-01T00:00:00Z";
  later["http"].as_object()["hsts"].as_object()["max_age"] = 300;
  later["reputation"].as_object()["malicious"] = 3;
  const auto d = diff_scans(side(web_site()), side(later));
  ASSERT_TRUE(d.changed);
  std::vector<std::string> fields;
  for (const auto& c : d.data.at("changes").as_array()) {
    fields.push_back(std::string(c.at("check").as_string()) + " " + std::string(c.at("field").as_string()));
  }
  EXPECT_EQ(fields, (std::vector<std::string>{"dns a", "http hsts.max_age", "reputation malicious",
                                              "tls certificate.fingerprint_sha256", "tls certificate.not_after"}));
  const auto& a = d.data.at("changes").at(0).as_object();
  EXPECT_EQ(a.at("before"), (json::array{"192.0.2.1", "192.0.2.2"}));
  EXPECT_EQ(a.at("after"), json::array{"192.0.2.9"});
}

TEST(ScanDiff, ACheckThatCouldNotRunIsAStatusChangeNotAFieldChange) {
  auto later = web_site();
  later["tls"] = json::object{{"status", "error"}, {"error", "connection refused"}};
  const auto d = diff_scans(side(web_site()), side(later));
  ASSERT_EQ(d.data.at("changes").as_array().size(), 1u) << json::serialize(d.data);
  EXPECT_EQ(d.data.at("changes").at(0),
            (json::object{{"check", "tls"}, {"field", "status"}, {"before", "ok"}, {"after", "error"}}));
}

TEST(ScanDiff, GradeAndFindingsNewAndResolvedById) {
  const auto before = side(web_site(), {finding("email.dmarc_missing"), finding("http.hsts_short")}, "B", 80);
  const auto after = side(web_site(), {finding("email.dmarc_missing"), finding("tls.certificate_expired"),
                                       finding("tls.certificate_expired")},
                          "F", 47);
  const auto d = diff_scans(before, after);
  ASSERT_TRUE(d.changed);
  EXPECT_EQ(d.data.at("grade"), (json::object{{"before", "B"}, {"after", "F"}}));
  EXPECT_EQ(d.data.at("score"), (json::object{{"before", 80}, {"after", 47}}));
  ASSERT_EQ(d.data.at("new_findings").as_array().size(), 1u);  // once, though found twice
  EXPECT_EQ(d.data.at("new_findings").at(0).at("id"), "tls.certificate_expired");
  ASSERT_EQ(d.data.at("resolved_findings").as_array().size(), 1u);
  EXPECT_EQ(d.data.at("resolved_findings").at(0).at("id"), "http.hsts_short");
}

TEST(ScanDiff, TheGradeAloneIsAChange) {
  EXPECT_TRUE(diff_scans(side(web_site(), {}, "A", 90), side(web_site(), {}, std::nullopt, std::nullopt)).changed);
}

// Stored results of other shapes (an older version's, a hand-written one) compare without
// throwing: what cannot be read is absent, and absent against present is a change.
TEST(ScanDiff, ResultsOfOtherShapesCompareAsAbsent) {
  const ScanSide empty{std::string("B"), 80, json::object{}};
  const ScanSide odd{std::string("B"), 80,
                     json::object{{"checks", json::object{{"dns", "ok"}, {"tls", json::object{{"status", 1}}}}},
                                  {"findings", json::array{"x", json::object{{"id", 5}}, json::object{{"severity", "low"}}}}}};
  EXPECT_FALSE(diff_scans(empty, odd).changed) << json::serialize(diff_scans(empty, odd).data);
  const ScanSide broken{std::string("B"), 80, json::object{{"checks", json::array{}}, {"findings", "none"}}};
  EXPECT_FALSE(diff_scans(broken, empty).changed);

  // A check that now reports where before there was none: its status changed from absent.
  const auto d = diff_scans(empty, side(web_site()));
  ASSERT_TRUE(d.changed);
  EXPECT_EQ(d.data.at("changes").at(0).at("before"), "absent");
  EXPECT_EQ(d.data.at("changes").at(0).at("after"), "ok");
}

TEST(ScanDiff, AFieldThatAppearsOrGoesAwayIsAChange) {
  auto later = web_site();
  later["tls"].as_object()["certificate"].as_object().erase("issuer");
  later["dns"].as_object()["mx"] = "not a list";  // not a set: compared as it is
  const auto d = diff_scans(side(web_site()), side(later));
  std::vector<std::string> fields;
  for (const auto& c : d.data.at("changes").as_array()) fields.push_back(std::string(c.at("field").as_string()));
  EXPECT_EQ(fields, (std::vector<std::string>{"mx", "certificate.issuer"}));
  EXPECT_TRUE(d.data.at("changes").at(1).at("after").is_null());
  // A field inside a value that is not an object is absent too.
  auto flat = web_site();
  flat["tls"].as_object()["certificate"] = "CN=x";
  EXPECT_TRUE(diff_scans(side(web_site()), side(flat)).changed);
}

TEST(ScanDiff, TheScoreAloneIsAChange) {
  EXPECT_TRUE(diff_scans(side(web_site(), {}, "B", 84), side(web_site(), {}, "B", 81)).changed);
}

}  // namespace
}  // namespace domainscan::watch
