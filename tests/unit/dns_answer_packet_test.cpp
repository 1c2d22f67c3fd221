// Reading the answer's records from a DNS message in wire format, as libunbound's event mode
// hands it over: messages written here byte by byte, with the name compression servers use.
#include "scan/dns_answer_packet.hpp"
#include "scan/dns_rdata.hpp"

#include <gtest/gtest.h>

#include <initializer_list>
#include <stdexcept>
#include <string>
#include <string_view>

namespace domainscan::testing {
namespace {

using scan::read_answer;
namespace rrtype = scan::rrtype;

std::string u16(int value) { return {static_cast<char>((value >> 8) & 0xFF), static_cast<char>(value & 0xFF)}; }

std::string wire_name(std::initializer_list<std::string_view> labels, bool root = true) {
  std::string out;
  for (const auto label : labels) {
    out.push_back(static_cast<char>(label.size()));
    out.append(label);
  }
  if (root) out.push_back('\0');
  return out;
}

std::string pointer_to(int offset) { return u16(0xC000 | offset); }

std::string header(int rcode, int questions, int answers) {
  return u16(0x1234) + u16(0x8180 | rcode) + u16(questions) + u16(answers) + u16(0) + u16(0);
}

std::string question(const std::string& name, int type) { return name + u16(type) + u16(1); }

std::string record(const std::string& owner, int type, const std::string& rdata, int rrclass = 1) {
  return owner + u16(type) + u16(rrclass) + std::string("\0\0\x0e\x10", 4) + u16(static_cast<int>(rdata.size())) +
         rdata;
}

std::string ipv4(int a, int b, int c, int d) {
  return {static_cast<char>(a), static_cast<char>(b), static_cast<char>(c), static_cast<char>(d)};
}

constexpr int kQuestionName = 12;  // where the question's name starts: right after the header

TEST(DnsAnswerPacket, FollowsTheCnameChainToTheRecordsOfTheAskedType) {
  const std::string message = header(0, 1, 4) + question(wire_name({"www", "example", "test"}), rrtype::A) +
                              // www.example.test CNAME example.test (the target points into the question)
                              record(pointer_to(kQuestionName), rrtype::CNAME, pointer_to(kQuestionName + 4)) +
                              record(pointer_to(kQuestionName + 4), rrtype::A, ipv4(127, 0, 0, 10)) +
                              record(wire_name({"other", "test"}), rrtype::A, ipv4(192, 0, 2, 1)) +
                              record(pointer_to(kQuestionName + 4), rrtype::A, ipv4(127, 0, 0, 11));
  const auto answer = read_answer(message, rrtype::A);
  EXPECT_EQ(answer.rcode, 0);
  ASSERT_EQ(answer.rdata.size(), 2u);  // not other.test's
  EXPECT_EQ(scan::rdata::a(answer.rdata[0]), "127.0.0.10");
  EXPECT_EQ(scan::rdata::a(answer.rdata[1]), "127.0.0.11");
  EXPECT_TRUE(answer.alias);
}

TEST(DnsAnswerPacket, ADanglingAliasIsAnNxdomainThatSaysTheNameIsAnAlias) {
  // www.example.test CNAME gone.test, which does not exist: the RCODE is about gone.test
  // (RFC 6604), and the CNAME record says www.example.test itself exists.
  const std::string dangling = header(3, 1, 1) + question(wire_name({"www", "example", "test"}), rrtype::A) +
                               record(pointer_to(kQuestionName), rrtype::CNAME, wire_name({"gone", "test"}));
  const auto answer = read_answer(dangling, rrtype::A);
  EXPECT_EQ(answer.rcode, 3);
  EXPECT_TRUE(answer.rdata.empty());
  EXPECT_TRUE(answer.alias);

  // A CNAME owned by another name says nothing of the name asked.
  const std::string unrelated = header(3, 1, 1) + question(wire_name({"www", "example", "test"}), rrtype::A) +
                                record(wire_name({"other", "test"}), rrtype::CNAME, wire_name({"gone", "test"}));
  EXPECT_FALSE(read_answer(unrelated, rrtype::A).alias);
}

TEST(DnsAnswerPacket, AskedForTheCnameItselfGivesItsTargetWrittenOut) {
  const std::string message = header(0, 1, 1) + question(wire_name({"www", "example", "test"}), rrtype::CNAME) +
                              record(pointer_to(kQuestionName), rrtype::CNAME, pointer_to(kQuestionName + 4));
  const auto answer = read_answer(message, rrtype::CNAME);
  ASSERT_EQ(answer.rdata.size(), 1u);
  EXPECT_EQ(answer.rdata[0], wire_name({"example", "test"}));
  EXPECT_EQ(scan::rdata::name(answer.rdata[0]), "example.test");
}

TEST(DnsAnswerPacket, NamesInMxAndSoaRdataAreUncompressed) {
  const std::string mx_message =
      header(0, 1, 1) + question(wire_name({"example", "test"}), rrtype::MX) +
      record(pointer_to(kQuestionName), rrtype::MX, u16(10) + wire_name({"mail"}, false) + pointer_to(kQuestionName));
  const auto mx = read_answer(mx_message, rrtype::MX);
  ASSERT_EQ(mx.rdata.size(), 1u);
  EXPECT_EQ(mx.rdata[0], u16(10) + wire_name({"mail", "example", "test"}));
  EXPECT_EQ(scan::rdata::mx(mx.rdata[0]).exchange, "mail.example.test");

  const std::string numbers(20, '\x01');
  const std::string soa_message = header(0, 1, 1) + question(wire_name({"example", "test"}), rrtype::SOA) +
                                  record(pointer_to(kQuestionName), rrtype::SOA,
                                         wire_name({"ns1"}, false) + pointer_to(kQuestionName + 8) +
                                             wire_name({"hostmaster"}, false) + pointer_to(kQuestionName) + numbers);
  const auto soa = read_answer(soa_message, rrtype::SOA);
  ASSERT_EQ(soa.rdata.size(), 1u);
  EXPECT_EQ(soa.rdata[0], wire_name({"ns1", "test"}) + wire_name({"hostmaster", "example", "test"}) + numbers);
  const auto decoded = scan::rdata::soa(soa.rdata[0]);
  EXPECT_EQ(decoded.mname, "ns1.test");
  EXPECT_EQ(decoded.rname, "hostmaster.example.test");
  EXPECT_EQ(decoded.serial, 0x01010101u);
}

TEST(DnsAnswerPacket, OtherTypesKeepTheirRdataAsItIs) {
  // TXT is never compressed: a 0xC0 byte in it is text, not a pointer.
  const std::string txt = std::string("\x03\xC0\x0C!", 4);
  const std::string message =
      header(0, 1, 1) + question(wire_name({"example", "test"}), rrtype::TXT) + record(pointer_to(kQuestionName), rrtype::TXT, txt);
  const auto answer = read_answer(message, rrtype::TXT);
  ASSERT_EQ(answer.rdata.size(), 1u);
  EXPECT_EQ(answer.rdata[0], txt);
}

TEST(DnsAnswerPacket, OwnerNamesCompareWithoutCaseAndOnlyClassInCounts) {
  const std::string message = header(0, 1, 3) + question(wire_name({"Example", "TEST"}), rrtype::A) +
                              record(wire_name({"eXample", "test"}), rrtype::A, ipv4(127, 0, 0, 10)) +
                              record(wire_name({"example", "test"}), rrtype::A, ipv4(127, 0, 0, 12), 3 /* CH */) +
                              record(wire_name({"example", "test"}), rrtype::AAAA, std::string(16, '\0'));
  const auto answer = read_answer(message, rrtype::A);
  ASSERT_EQ(answer.rdata.size(), 1u);
  EXPECT_EQ(scan::rdata::a(answer.rdata[0]), "127.0.0.10");
  EXPECT_FALSE(answer.alias);
}

TEST(DnsAnswerPacket, TheRcodeComesFromTheHeader) {
  const auto nxdomain = read_answer(header(3, 1, 0) + question(wire_name({"missing", "test"}), rrtype::A), rrtype::A);
  EXPECT_EQ(nxdomain.rcode, 3);
  EXPECT_TRUE(nxdomain.rdata.empty());
  const auto no_question = read_answer(header(2, 0, 0), rrtype::A);
  EXPECT_EQ(no_question.rcode, 2);
  EXPECT_TRUE(no_question.rdata.empty());
}

TEST(DnsAnswerPacket, MalformedMessagesAreRefused) {
  const std::string asked = header(0, 1, 1) + question(wire_name({"example", "test"}), rrtype::A);
  // Cut short: in the header, in the question, in a record's fixed part, in its rdata.
  EXPECT_THROW(read_answer(asked.substr(0, 11), rrtype::A), std::invalid_argument);
  EXPECT_THROW(read_answer(asked.substr(0, 20), rrtype::A), std::invalid_argument);
  EXPECT_THROW(read_answer(asked + pointer_to(kQuestionName) + u16(1), rrtype::A), std::invalid_argument);
  const std::string whole = asked + record(pointer_to(kQuestionName), rrtype::A, ipv4(127, 0, 0, 10));
  EXPECT_THROW(read_answer(whole.substr(0, whole.size() - 1), rrtype::A), std::invalid_argument);
  // A pointer to itself, and one forward: following them would never end, or read ahead.
  const std::string self = header(0, 1, 0) + pointer_to(kQuestionName) + u16(1) + u16(1);
  EXPECT_THROW(read_answer(self, rrtype::A), std::invalid_argument);
  const std::string forward = header(0, 1, 0) + pointer_to(kQuestionName + 6) + u16(1) + u16(1) + wire_name({"a"});
  EXPECT_THROW(read_answer(forward, rrtype::A), std::invalid_argument);
  // A name over 255 octets, and a label type RFC 6891 retired.
  std::string long_name;
  for (int i = 0; i < 5; ++i) long_name += wire_name({std::string(60, 'a')}, false);
  EXPECT_THROW(read_answer(header(0, 1, 0) + question(long_name + '\0', rrtype::A), rrtype::A), std::invalid_argument);
  EXPECT_THROW(read_answer(header(0, 1, 0) + "\x41" + u16(1) + u16(1), rrtype::A), std::invalid_argument);
  // An MX whose name runs past its record's rdata.
  const std::string mx = header(0, 1, 1) + question(wire_name({"example", "test"}), rrtype::MX) +
                         record(pointer_to(kQuestionName), rrtype::MX, u16(10) + "\x04mail") + wire_name({"x"});
  EXPECT_THROW(read_answer(mx, rrtype::MX), std::invalid_argument);
}

}  // namespace
}  // namespace domainscan::testing
