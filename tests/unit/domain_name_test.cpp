#include "core/domain_name.hpp"
#include "core/errors.hpp"

#include <gtest/gtest.h>

namespace domainscan {
namespace {

const DomainNameRules kPublicOnly{};
const DomainNameRules kWithTest{{"test"}};

TEST(DomainName, LowercasesAndStripsTrailingDot) {
  EXPECT_EQ(normalize_domain("Example.COM", kPublicOnly), "example.com");
  EXPECT_EQ(normalize_domain("  example.com.  ", kPublicOnly), "example.com");
}

TEST(DomainName, TakesTheHostOfAUrl) {
  EXPECT_EQ(normalize_domain("https://example.com/path?q=1", kPublicOnly), "example.com");
  EXPECT_EQ(normalize_domain("http://WWW.Example.org:8080/", kPublicOnly), "www.example.org");
  EXPECT_EQ(normalize_domain("example.net/some/page", kPublicOnly), "example.net");
}

TEST(DomainName, ConvertsUnicodeToALabels) {
  EXPECT_EQ(normalize_domain("bücher.de", kPublicOnly), "xn--bcher-kva.de");
  EXPECT_EQ(normalize_domain("BÜCHER.de", kPublicOnly), "xn--bcher-kva.de");
  // IDNA2008 non-transitional: sharp s stays itself (not "ss").
  EXPECT_EQ(normalize_domain("faß.de", kPublicOnly), "xn--fa-hia.de");
}

TEST(DomainName, KeepsMultiLabelPublicSuffixes) {
  EXPECT_EQ(normalize_domain("www.example.co.uk", kPublicOnly), "www.example.co.uk");
}

void expect_rejected(std::string_view input, const DomainNameRules& rules = kPublicOnly) {
  try {
    const auto name = normalize_domain(input, rules);
    ADD_FAILURE() << "accepted '" << input << "' as '" << name << "'";
  } catch (const ValidationError& e) {
    EXPECT_EQ(e.code(), "invalid_domain") << input;
    EXPECT_FALSE(std::string(e.what()).empty());
  }
}

TEST(DomainName, RejectsIpLiterals) {
  expect_rejected("192.0.2.1");
  expect_rejected("2001:db8::1");
  expect_rejected("http://[2001:db8::1]/");
  expect_rejected("http://192.0.2.1:80/x");
}

TEST(DomainName, RejectsSingleLabelsAndLocalhost) {
  expect_rejected("localhost");
  expect_rejected("intranet");
}

TEST(DomainName, RejectsOverlongNamesAndLabels) {
  expect_rejected(std::string(64, 'a') + ".com");
  std::string long_name;
  while (long_name.size() < 300) long_name += "abcdefghij.";
  expect_rejected(long_name + "com");
  // 63 octets is the limit, and is fine.
  EXPECT_EQ(normalize_domain(std::string(63, 'a') + ".com", kPublicOnly), std::string(63, 'a') + ".com");
}

TEST(DomainName, RejectsNamesNotUnderAPublicSuffix) {
  expect_rejected("example.notarealtld");
  expect_rejected("example.test");
  expect_rejected("co.uk");  // a suffix itself, not a domain under one
  expect_rejected("com");
}

TEST(DomainName, AllowedSuffixesAreAccepted) {
  EXPECT_EQ(normalize_domain("Example.TEST", kWithTest), "example.test");
  expect_rejected("test", kWithTest);
  expect_rejected("example.invalid", kWithTest);
}

TEST(DomainName, RejectsGarbage) {
  expect_rejected("");
  expect_rejected("   ");
  expect_rejected("exa mple.com");
  expect_rejected("a..b.com");
  expect_rejected("under_score.com");
  expect_rejected("../../etc/passwd");
}

// What the error says matters: the API hands it to the person who typed the name.
void expect_rejected_saying(std::string_view input, std::string_view says, const DomainNameRules& rules = kPublicOnly) {
  try {
    const auto name = normalize_domain(input, rules);
    ADD_FAILURE() << "accepted '" << input << "' as '" << name << "'";
  } catch (const ValidationError& e) {
    EXPECT_NE(std::string_view(e.what()).find(says), std::string_view::npos) << input << ": " << e.what();
  }
}

TEST(DomainName, EachRejectionSaysWhy) {
  std::string long_name;
  while (long_name.size() < 250) long_name += "abcdefghij.";
  expect_rejected_saying(long_name + "com", "253");
  expect_rejected_saying(std::string(64, 'a') + ".com", "63");
  // The same limits for a name in Unicode, judged on its A-label form by IDNA.
  expect_rejected_saying(std::string(60, 'a') + "\u00fc\u00fc\u00fc.de", "63");
  expect_rejected_saying("\u00fc." + long_name + "com", "253");
  expect_rejected_saying(std::string(3000, 'a'), "far too long");
  expect_rejected_saying(".", "empty");
  expect_rejected_saying("https:///path", "no host name");
  expect_rejected_saying("[2001:db8::1]", "IP addresses");
  expect_rejected_saying("co.uk", "is a public suffix");
  expect_rejected_saying("example.notarealtld", "not under a public suffix");
  expect_rejected_saying("http://exa%mple.com/", "neither a domain name nor a URL");
}

TEST(DomainName, AnAllowedSuffixMatchesWholeLabelsOnly) {
  EXPECT_EQ(normalize_domain("a.b.test", kWithTest), "a.b.test");
  expect_rejected("example.xtest", kWithTest);  // ends with "test", but not with ".test"
  expect_rejected(".test", kWithTest);
}

TEST(DomainName, AUrlsUserAndPortAreNotPartOfTheName) {
  EXPECT_EQ(normalize_domain("https://user:secret@Example.com:8443/x", kPublicOnly), "example.com");
  EXPECT_EQ(normalize_domain("example.com.", kPublicOnly), "example.com");
}

}  // namespace
}  // namespace domainscan
