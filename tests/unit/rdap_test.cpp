// The RDAP bootstrap data and the summary of an RDAP domain object.
#include "scan/rdap.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

namespace domainscan::scan {
namespace {

TEST(RdapBootstrap, LongestSuffixWinsAndHttpsIsPreferred) {
  const auto b = RdapBootstrap::parse(R"({"services": [
      [["com", "net"], ["http://plain.example/", "https://rdap.example/com"]],
      [["uk"], ["https://rdap.uk.example/"]],
      [["co.uk"], ["https://rdap.co-uk.example/"]]]})");
  EXPECT_EQ(b.base_url_for("example.com"), "https://rdap.example/com/");
  EXPECT_EQ(b.base_url_for("www.example.NET"), std::nullopt);  // names are matched as given (normalised)
  EXPECT_EQ(b.base_url_for("shop.example.co.uk"), "https://rdap.co-uk.example/");
  EXPECT_EQ(b.base_url_for("example.org.uk"), "https://rdap.uk.example/");
  EXPECT_EQ(b.base_url_for("example.test"), std::nullopt);
  EXPECT_THROW(RdapBootstrap::parse("[]"), std::invalid_argument);
}

TEST(RdapBootstrap, TheShippedSnapshotParses) {
  const auto& b = RdapBootstrap::shipped();
  EXPECT_GT(b.size(), 0u);
  EXPECT_EQ(b.base_url_for("example.com"), "https://rdap.verisign.com/com/v1/");
}

TEST(RdapSummary, ReadsRegistrarEventsStatusesAndNameservers) {
  const auto doc = boost::json::parse(R"({
    "objectClassName": "domain", "ldhName": "example.com",
    "status": ["client delete prohibited", "client transfer prohibited"],
    "events": [{"eventAction": "registration", "eventDate": "1995-08-14T04:00:00Z"},
               {"eventAction": "expiration", "eventDate": "2027-08-13T04:00:00Z"},
               {"eventAction": "last changed", "eventDate": "2026-08-14T07:01:44Z"}],
    "entities": [{"roles": ["technical"], "handle": "T1"},
                 {"roles": ["registrar"], "handle": "376",
                  "vcardArray": ["vcard", [["version", {}, "text", "4.0"], ["fn", {}, "text", "RESERVED-IANA"]]]}],
    "nameservers": [{"ldhName": "A.IANA-SERVERS.NET"}, {"ldhName": "B.IANA-SERVERS.NET"}]})");
  const auto s = summarize_rdap_domain(doc);
  EXPECT_EQ(s.at("registrar"), "RESERVED-IANA");
  EXPECT_EQ(s.at("created"), "1995-08-14T04:00:00Z");
  EXPECT_EQ(s.at("expires"), "2027-08-13T04:00:00Z");
  EXPECT_EQ(s.at("statuses").as_array().size(), 2u);
  EXPECT_EQ(s.at("nameservers").as_array().size(), 2u);
  const auto empty = summarize_rdap_domain(boost::json::parse("{}"));
  EXPECT_TRUE(empty.at("registrar").is_null());
}

// A registry's server is a third party: whatever shape its answer has, the summary keeps
// what it can read and leaves the rest null or empty, never throws.
TEST(RdapSummary, PartsOfAnotherShapeAreLeftOutNotFatal) {
  const auto doc = boost::json::parse(R"({
    "status": ["active", 7, null],
    "events": [{"eventAction": "registration"}, {"eventAction": "expiration", "eventDate": 20270813},
               "not an event", {"eventDate": "2020-01-01T00:00:00Z"},
               {"eventAction": "expiration", "eventDate": "2027-08-13T04:00:00Z"}],
    "entities": ["nobody", {"roles": "registrar", "handle": "R0"}, {"handle": "no roles"},
                 {"roles": ["registrant"], "handle": "R1"},
                 {"roles": ["registrar"], "handle": "R2", "vcardArray": ["vcard", [["fn", {}, "text"], ["fn", {}, "text", 5]]]}],
    "nameservers": [{"ldhName": 5}, "ns0.example", {"unicodeName": "ns1.example"}, {"ldhName": "ns2.example"}]})");
  const auto s = summarize_rdap_domain(doc);
  EXPECT_EQ(s.at("registrar"), "R2") << "a jCard without a readable name: the handle";
  EXPECT_TRUE(s.at("created").is_null());
  EXPECT_EQ(s.at("expires"), "2027-08-13T04:00:00Z");
  ASSERT_EQ(s.at("statuses").as_array().size(), 1u);
  EXPECT_EQ(s.at("statuses").at(0), "active");
  ASSERT_EQ(s.at("nameservers").as_array().size(), 1u);
  EXPECT_EQ(s.at("nameservers").at(0), "ns2.example");

  for (const char* other : {"[]", "null", "\"domain\"", R"({"entities": {}, "events": 1, "status": "x", "nameservers": null})",
                            R"({"entities": [{"roles": ["registrar"], "vcardArray": "vcard"}]})",
                            R"({"entities": [{"roles": ["registrar"], "vcardArray": ["vcard", "x"]}]})"}) {
    const auto summary = summarize_rdap_domain(boost::json::parse(other));
    EXPECT_TRUE(summary.at("registrar").is_null()) << other;
    EXPECT_TRUE(summary.at("expires").is_null()) << other;
    EXPECT_TRUE(summary.at("statuses").as_array().empty()) << other;
  }
}

TEST(RdapSummary, TheFirstRegistrarEntityIsTheRegistrar) {
  const auto doc = boost::json::parse(R"({"entities": [
    {"roles": ["technical", "registrar"], "handle": "FIRST"},
    {"roles": ["registrar"], "handle": "SECOND"}]})");
  EXPECT_EQ(summarize_rdap_domain(doc).at("registrar"), "FIRST");
}

}  // namespace
}  // namespace domainscan::scan
