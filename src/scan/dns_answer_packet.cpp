#include "scan/dns_answer_packet.hpp"

#include "scan/dns_rdata.hpp"

#include <cstddef>
#include <cstdint>
#include <stdexcept>

namespace domainscan::scan {

namespace {

constexpr int kClassIn = 1;
constexpr std::size_t kHeaderSize = 12;
constexpr std::size_t kMaxNameLength = 255;

class MessageReader {
 public:
  explicit MessageReader(std::string_view message) : message_(message) {}

  void need(std::size_t pos, std::size_t count) const {
    if (pos > message_.size() || message_.size() - pos < count) throw std::invalid_argument("DNS message cut short");
  }

  std::uint8_t u8(std::size_t pos) const {
    need(pos, 1);
    return static_cast<std::uint8_t>(message_[pos]);
  }

  std::uint16_t u16(std::size_t pos) const {
    need(pos, 2);
    return static_cast<std::uint16_t>((u8(pos) << 8) | u8(pos + 1));
  }

  std::string_view bytes(std::size_t pos, std::size_t count) const {
    need(pos, count);
    return message_.substr(pos, count);
  }

  // Appends the name that starts at `pos` to `out`, uncompressed, in wire format (lowercased
  // when `lower`, for comparing names); returns where the name ends where it is written.
  // Every compression pointer must point before itself, so following them always ends.
  std::size_t read_name(std::size_t pos, std::string& out, bool lower) const {
    std::size_t resume = 0;  // after the first pointer, where reading goes on
    std::size_t length = 0;
    for (;;) {
      const std::uint8_t label = u8(pos);
      if ((label & 0xC0) == 0xC0) {
        const std::size_t target = static_cast<std::size_t>(u16(pos) & 0x3FFF);
        if (target >= pos) throw std::invalid_argument("DNS message: a compression pointer does not point back");
        if (resume == 0) resume = pos + 2;
        pos = target;
        continue;
      }
      if ((label & 0xC0) != 0) throw std::invalid_argument("DNS message: unknown label type");
      length += 1u + label;
      if (length > kMaxNameLength) throw std::invalid_argument("DNS message: a name over 255 octets");
      const std::string_view bytes_of_label = bytes(pos, 1u + label);
      for (const char c : bytes_of_label) out.push_back(lower && c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
      pos += 1u + label;
      if (label == 0) break;
    }
    return resume != 0 ? resume : pos;
  }

 private:
  std::string_view message_;
};

// What precedes the names in the rdata, and how many names follow, for the types whose
// names may be compressed (RFC 3597 section 4); no names for the others.
struct NameLayout {
  std::size_t prefix = 0;
  int names = 0;
};

NameLayout name_layout(int type) {
  switch (type) {
    case rrtype::NS:
    case 3:  // MD
    case 4:  // MF
    case rrtype::CNAME:
    case 7:   // MB
    case 8:   // MG
    case 9:   // MR
    case 12:  // PTR
      return {0, 1};
    case rrtype::SOA:  // MNAME, RNAME, then five 32-bit numbers
    case 14:           // MINFO: RMAILBX, EMAILBX
      return {0, 2};
    case rrtype::MX:  // PREFERENCE, EXCHANGE
      return {2, 1};
    default:
      return {};
  }
}

std::string expanded_rdata(const MessageReader& reader, int type, std::size_t start, std::size_t end) {
  const NameLayout layout = name_layout(type);
  if (layout.names == 0) return std::string(reader.bytes(start, end - start));
  if (end - start < layout.prefix) throw std::invalid_argument("DNS message: rdata cut short");
  std::string out(reader.bytes(start, layout.prefix));
  std::size_t pos = start + layout.prefix;
  for (int i = 0; i < layout.names; ++i) {
    pos = reader.read_name(pos, out, false);
    if (pos > end) throw std::invalid_argument("DNS message: a name runs past its record");
  }
  out.append(reader.bytes(pos, end - pos));
  return out;
}

}  // namespace

AnswerRecords read_answer(std::string_view message, int rrtype) {
  const MessageReader reader(message);
  reader.need(0, kHeaderSize);
  AnswerRecords answer;
  answer.rcode = reader.u8(3) & 0x0F;
  const std::uint16_t questions = reader.u16(4);
  const std::uint16_t answers = reader.u16(6);
  if (questions == 0) return answer;

  std::size_t pos = kHeaderSize;
  std::string owner_wanted;  // the question's name, then each CNAME's target
  for (std::uint16_t i = 0; i < questions; ++i) {
    std::string name;
    pos = reader.read_name(pos, name, true);
    reader.need(pos, 4);  // QTYPE, QCLASS
    pos += 4;
    if (i == 0) owner_wanted = std::move(name);
  }

  for (std::uint16_t i = 0; i < answers; ++i) {
    std::string owner;
    pos = reader.read_name(pos, owner, true);
    const int type = reader.u16(pos);
    const int rrclass = reader.u16(pos + 2);
    const std::size_t length = reader.u16(pos + 8);  // after TYPE, CLASS and TTL
    const std::size_t start = pos + 10;
    reader.need(start, length);
    pos = start + length;
    if (rrclass != kClassIn || owner != owner_wanted) continue;
    if (type == rrtype) {
      answer.rdata.push_back(expanded_rdata(reader, type, start, pos));
    } else if (type == rrtype::CNAME) {
      std::string target;
      if (reader.read_name(start, target, true) > pos) throw std::invalid_argument("DNS message: a name runs past its record");
      owner_wanted = std::move(target);
      answer.alias = true;  // the chain starts at the question's name: it owns the first
    }
  }
  return answer;
}

}  // namespace domainscan::scan
