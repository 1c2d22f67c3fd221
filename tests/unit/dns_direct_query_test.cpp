// The wire format of scan/dns_direct_query.hpp: one question out, a response code back.
#include "scan/dns_direct_query.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace domainscan::scan {
namespace {

using namespace std::string_literals;

TEST(DnsDirectQuery, EncodesAQuestionAsRfc1035Says) {
  const auto q = encode_dns_query(0xbeef, "example.test", 6);
  const std::string expected =
      "\xbe\xef"           // id
      "\x01\x10"           // RD, CD
      "\x00\x01"           // one question
      "\x00\x00\x00\x00\x00\x00"s
      "\x07" "example" "\x04" "test" "\x00"s
      "\x00\x06"           // SOA
      "\x00\x01"s;         // IN
  EXPECT_EQ(q, expected);
  EXPECT_EQ(encode_dns_query(1, "example.test.", 6), encode_dns_query(1, "example.test", 6));  // trailing dot
}

TEST(DnsDirectQuery, RefusesNamesThatCannotBeEncoded) {
  EXPECT_THROW(encode_dns_query(1, "a..b", 1), std::invalid_argument);
  EXPECT_THROW(encode_dns_query(1, std::string(64, 'a') + ".test", 1), std::invalid_argument);
  std::string long_name;
  for (int i = 0; i < 5; ++i) long_name += std::string(60, 'a') + ".";
  EXPECT_THROW(encode_dns_query(1, long_name, 1), std::invalid_argument);  // 305 octets
}

TEST(DnsDirectQuery, ReadsTheResponseCodeOfTheMatchingReply) {
  const std::string refused = "\xbe\xef\x81\x05\x00\x01\x00\x00\x00\x00\x00\x00"s;
  EXPECT_EQ(dns_reply_rcode(refused, 0xbeef), 5);
  const std::string servfail = "\xbe\xef\x81\x82\x00\x01\x00\x00\x00\x00\x00\x00"s;
  EXPECT_EQ(dns_reply_rcode(servfail, 0xbeef), 2);
}

TEST(DnsDirectQuery, IgnoresWhatIsNotTheReply) {
  const std::string reply = "\xbe\xef\x81\x05\x00\x01\x00\x00\x00\x00\x00\x00"s;
  EXPECT_FALSE(dns_reply_rcode(reply, 0x1234));                 // another question's id
  EXPECT_FALSE(dns_reply_rcode(reply.substr(0, 11), 0xbeef));   // shorter than a header
  const std::string query = "\xbe\xef\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00"s;
  EXPECT_FALSE(dns_reply_rcode(query, 0xbeef));                 // a query, not a response
}

}  // namespace
}  // namespace domainscan::scan
