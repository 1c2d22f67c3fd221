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

}  // namespace
}  // namespace domainscan::scan
