// SPF, DMARC, MTA-STS and TLS-RPT records, parsed.
#include "scan/email_records.hpp"

#include <gtest/gtest.h>

namespace domainscan::scan::email {
namespace {

TEST(Spf, RecognisesOnlyVersion1AsAWholeWord) {
  EXPECT_TRUE(is_spf("v=spf1 -all"));
  EXPECT_TRUE(is_spf("V=SPF1 mx ~all"));
  EXPECT_TRUE(is_spf("v=spf1"));
  EXPECT_FALSE(is_spf("v=spf10 -all"));
  EXPECT_FALSE(is_spf("spf1 -all"));
  EXPECT_FALSE(is_spf("v=DMARC1; p=none"));
}

TEST(Spf, CountsTheTermsThatCauseLookups) {
  const auto r = parse_spf("v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 a mx/24 ptr exists:%{i}.x.test "
                           "include:_spf.Example.com -all");
  EXPECT_EQ(r.lookup_terms, 5);  // a, mx, ptr, exists, include
  EXPECT_EQ(r.includes, std::vector<std::string>{"_spf.Example.com"});
  EXPECT_EQ(r.all, "-all");
  EXPECT_TRUE(r.errors.empty());
}

TEST(Spf, QualifiersRedirectAndErrors) {
  EXPECT_EQ(parse_spf("v=spf1 +all").all, "+all");
  EXPECT_EQ(parse_spf("v=spf1 all").all, "+all");
  EXPECT_EQ(parse_spf("v=spf1 ?all").all, "?all");
  EXPECT_EQ(parse_spf("v=spf1 mx ~all").all, "~all");
  const auto redirect = parse_spf("v=spf1 redirect=_spf.example.com");
  EXPECT_EQ(redirect.redirect, "_spf.example.com");
  EXPECT_EQ(redirect.lookup_terms, 1);
  EXPECT_FALSE(redirect.all);
  EXPECT_EQ(parse_spf("v=spf1 exp=explain.example.com -all").lookup_terms, 0);
  EXPECT_EQ(parse_spf("v=spf1 frobnicate -all").errors.size(), 1u);
  EXPECT_EQ(parse_spf("v=spf1 include: -all").errors.size(), 1u);
}

TEST(Tags, DmarcTlsRptAndMtaStsRecords) {
  const auto t = parse_tags("v=DMARC1; p=reject; sp=quarantine;pct=50 ; rua=mailto:a@b.test,mailto:c@d.test");
  EXPECT_EQ(tag(t, "p"), "reject");
  EXPECT_EQ(tag(t, "SP"), "quarantine");
  EXPECT_EQ(tag(t, "pct"), "50");
  EXPECT_EQ(tag(t, "rua"), "mailto:a@b.test,mailto:c@d.test");
  EXPECT_FALSE(tag(t, "ruf"));
  EXPECT_TRUE(is_dmarc("v=DMARC1; p=none"));
  EXPECT_TRUE(is_dmarc("v=DMARC1;p=none"));
  EXPECT_FALSE(is_dmarc("v=DMARC2; p=none"));
  EXPECT_TRUE(is_mta_sts("v=STSv1; id=123"));
  EXPECT_TRUE(is_tls_rpt("v=TLSRPTv1; rua=mailto:x@y.test"));
}

TEST(MtaSts, Policy) {
  const auto p = parse_mta_sts_policy("version: STSv1\r\nmode: enforce\r\nmx: mx1.example.com\nmx: *.example.net\n"
                                      "max_age: 604800\n");
  EXPECT_EQ(p.mode, "enforce");
  EXPECT_EQ(p.max_age, 604800);
  EXPECT_EQ(p.mx, (std::vector<std::string>{"mx1.example.com", "*.example.net"}));
  EXPECT_TRUE(p.errors.empty());
  const auto bad = parse_mta_sts_policy("<html>not found</html>");
  EXPECT_GE(bad.errors.size(), 3u);
  EXPECT_EQ(parse_mta_sts_policy("version: STSv1\nmode: strict\nmax_age: 1\n").errors.size(), 1u);
}

}  // namespace
}  // namespace domainscan::scan::email
