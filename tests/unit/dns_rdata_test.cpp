// Wire-format rdata as libunbound hands it over, decoded to what the DNS check reports.
#include "scan/dns_rdata.hpp"

#include <gtest/gtest.h>

namespace domainscan::scan::rdata {
namespace {

using namespace std::string_literals;

// "\x04mail\x07example\x04test\x00" from "mail.example.test".
std::string wire_name(const std::string& dotted) {
  std::string out;
  std::size_t start = 0;
  while (start < dotted.size()) {
    auto dot = dotted.find('.', start);
    if (dot == std::string::npos) dot = dotted.size();
    out += static_cast<char>(dot - start);
    out += dotted.substr(start, dot - start);
    start = dot + 1;
  }
  return out + '\0';
}

TEST(DnsRdata, Addresses) {
  EXPECT_EQ(a("\x7f\x00\x00\x0a"s), "127.0.0.10");
  EXPECT_EQ(aaaa("\x20\x01\x0d\xb8"s + std::string(11, '\0') + "\x01"s), "2001:db8::1");
  EXPECT_EQ(aaaa(std::string(15, '\0') + "\x01"s), "::1");
  EXPECT_THROW(a("\x7f\x00\x00"s), std::invalid_argument);
  EXPECT_THROW(aaaa(std::string(15, '\0')), std::invalid_argument);
}

TEST(DnsRdata, NamesArePresentedWithoutTheFinalDotAndEscaped) {
  EXPECT_EQ(name(wire_name("ns1.example.test")), "ns1.example.test");
  EXPECT_EQ(name("\x00"s), "");
  EXPECT_EQ(name("\x03" "a.b" "\x00"s), "a\\046b");
  EXPECT_EQ(name("\x02" "a " "\x00"s), "a\\032");
  EXPECT_THROW(name("\x05" "abc"s), std::invalid_argument);  // label runs past the end
  EXPECT_THROW(name("\xc0\x0c"s), std::invalid_argument);    // a compression pointer
}

TEST(DnsRdata, Mx) {
  const auto m = mx("\x00\x0a"s + wire_name("mail.example.test"));
  EXPECT_EQ(m.preference, 10);
  EXPECT_EQ(m.exchange, "mail.example.test");
  EXPECT_EQ(mx("\xff\xff\x00"s).preference, 65535);  // null MX (RFC 7505) has the root name
  EXPECT_THROW(mx("\x00"s), std::invalid_argument);
}

TEST(DnsRdata, TxtJoinsItsCharacterStrings) {
  EXPECT_EQ(txt("\x0ev=spf1 mx -all"s), "v=spf1 mx -all");
  EXPECT_EQ(txt("\x05hello\x05world"s), "helloworld");
  EXPECT_EQ(txt("\x00"s), "");
  EXPECT_THROW(txt("\x09short"s), std::invalid_argument);
}

TEST(DnsRdata, Caa) {
  const auto c = caa("\x00\x05issue"s + "letsencrypt.org");
  EXPECT_EQ(c.flags, 0);
  EXPECT_EQ(c.tag, "issue");
  EXPECT_EQ(c.value, "letsencrypt.org");
  EXPECT_EQ(caa("\x80\x05iodef"s + "mailto:a@b.test").flags, 128);
  EXPECT_THROW(caa("\x00\x09issue"s), std::invalid_argument);
}

TEST(DnsRdata, Soa) {
  const std::string numbers = "\x78\xc4\x05\x91"s "\x00\x00\x0e\x10"s "\x00\x00\x02\x58"s "\x00\x01\x51\x80"s
                              "\x00\x00\x01\x2c"s;
  const auto s = soa(wire_name("ns1.test") + wire_name("hostmaster.example.test") + numbers);
  EXPECT_EQ(s.mname, "ns1.test");
  EXPECT_EQ(s.rname, "hostmaster.example.test");
  EXPECT_EQ(s.serial, 2026112401u);
  EXPECT_EQ(s.refresh, 3600u);
  EXPECT_EQ(s.retry, 600u);
  EXPECT_EQ(s.expire, 86400u);
  EXPECT_EQ(s.minimum, 300u);
  EXPECT_THROW(soa(wire_name("ns1.test") + wire_name("h.test") + numbers.substr(0, 19)), std::invalid_argument);
}

}  // namespace
}  // namespace domainscan::scan::rdata
