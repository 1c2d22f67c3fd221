// Issue 12 through `domainscan serve` and the test bed: a change between two scans is one
// domain.changed event (here VirusTotal's verdict, served by a VirusTotal-shaped server the
// test controls, turns malicious), a rescan where nothing changed is no event, and a
// certificate and a registration near their end are told once per threshold, not per scan.
#include "support/fake_virustotal.hpp"
#include "support/serve_process.hpp"

#include <boost/json.hpp>
#include <fmt/format.h>
#include <gtest/gtest.h>

namespace domainscan::testing {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

std::vector<std::string> types(const json::value& page) {
  std::vector<std::string> out;
  for (const auto& e : page.at("items").as_array()) out.emplace_back(e.at("type").as_string());
  return out;
}

TEST(Watch, AChangeBetweenTwoScansIsOneEventAndNoChangeIsNone) {
  FakeVirusTotal vt;
  vt.answer("valid.web.test", 0);
  // The test CA's certificates last 30 days: a threshold of 7 keeps expiry out of this test.
  Serve serve({"--check-timeout", "3s", "--rdap-url", "http://rdap.web.test/", "--virustotal-key", "k",
               "--virustotal-url", vt.url(), "--virustotal-cache", "0s", "--virustotal-rate", "100000",
               "--expiry-thresholds", "7"});

  const auto first = serve.scan("valid.web.test");
  serve.wait_for({first}, 60s);
  // The first scan has nothing to compare with.
  EXPECT_EQ(types(serve.get("/api/v1/domains/valid.web.test/events")), std::vector<std::string>{});

  const auto same = serve.scan("valid.web.test");
  serve.wait_for({same}, 60s);
  EXPECT_EQ(types(serve.get("/api/v1/domains/valid.web.test/events")), std::vector<std::string>{})
      << "a rescan where nothing changed told something";

  vt.answer("valid.web.test", 5);  // five vendors now call it malicious
  const auto changed = serve.scan("valid.web.test");
  const auto scans = serve.wait_for({changed}, 60s);
  EXPECT_EQ(scans.at(changed).at("grade"), "F");
  const auto events = serve.get("/api/v1/domains/valid.web.test/events");
  ASSERT_EQ(types(events), std::vector<std::string>{"domain.changed"}) << json::serialize(events);
  const auto& e = events.at("items").at(0).as_object();
  EXPECT_EQ(e.at("scan_id"), changed);
  EXPECT_EQ(e.at("previous_scan_id"), same);
  const auto& data = e.at("data").as_object();
  EXPECT_EQ(data.at("grade"), (json::object{{"before", "B"}, {"after", "F"}}));
  EXPECT_EQ(data.at("changes"), (json::array{json::object{
                                    {"check", "reputation"}, {"field", "malicious"}, {"before", 0}, {"after", 5}}}));
  ASSERT_EQ(data.at("new_findings").as_array().size(), 1u);
  EXPECT_EQ(data.at("new_findings").at(0).at("id"), "reputation.malicious");
  EXPECT_TRUE(data.at("resolved_findings").as_array().empty());

  // The same event in the list across domains, and the diff of the first and last scans.
  EXPECT_EQ(types(serve.get("/api/v1/events?type=domain.changed&domain=valid.web.test")),
            std::vector<std::string>{"domain.changed"});
  const auto diff = serve.get(fmt::format("/api/v1/scans/{}/diff?against={}", changed, first));
  EXPECT_EQ(diff.at("changes"), data.at("changes"));
}

TEST(Watch, ExpiryIsToldOncePerThresholdNotOncePerScan) {
  // soon.web.test: a certificate and a registration (rdap.web.test) ending in 10 days.
  Serve serve({"--check-timeout", "3s", "--rdap-url", "http://rdap.web.test/"});
  for (int i = 0; i < 3; ++i) serve.wait_for({serve.scan("soon.web.test")}, 60s);
  const auto events = serve.get("/api/v1/domains/soon.web.test/events");
  auto found = types(events);
  std::sort(found.begin(), found.end());
  ASSERT_EQ(found, (std::vector<std::string>{"certificate.expiring", "registration.expiring"}))
      << json::serialize(events);
  for (const auto& e : events.at("items").as_array()) {
    const auto& data = e.at("data").as_object();
    EXPECT_EQ(data.at("threshold"), 14) << json::serialize(e);  // 30 and 14 crossed: the most urgent
    EXPECT_TRUE(data.at("days_left").as_int64() == 9 || data.at("days_left").as_int64() == 10) << json::serialize(e);
    EXPECT_TRUE(data.contains(e.at("type") == "certificate.expiring" ? "not_after" : "expires"));
  }
  // With thresholds that the 10 days have not reached: nothing more, however many scans.
  EXPECT_EQ(serve.get("/api/v1/events?type=certificate.expiring").at("items").as_array().size(), 1u);
}

}  // namespace
}  // namespace domainscan::testing
