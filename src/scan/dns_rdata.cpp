#include "scan/dns_rdata.hpp"

#include <boost/asio/ip/address_v4.hpp>
#include <boost/asio/ip/address_v6.hpp>

#include <array>
#include <cstring>
#include <stdexcept>

namespace domainscan::scan::rdata {
namespace {

// A cursor over rdata that refuses to read past the end.
class Reader {
 public:
  explicit Reader(std::string_view data) : data_(data) {}

  std::uint8_t u8() {
    need(1);
    return static_cast<std::uint8_t>(data_[pos_++]);
  }
  std::uint16_t u16() {
    const auto hi = u8();
    return static_cast<std::uint16_t>((hi << 8) | u8());
  }
  std::uint32_t u32() {
    const std::uint32_t hi = u16();
    return (hi << 16) | u16();
  }
  std::string_view bytes(std::size_t n) {
    need(n);
    auto out = data_.substr(pos_, n);
    pos_ += n;
    return out;
  }
  std::string_view rest() { return bytes(data_.size() - pos_); }
  bool done() const { return pos_ == data_.size(); }

  // An uncompressed domain name, presented without the final dot ("" for the root).
  std::string domain_name() {
    std::string out;
    for (int labels = 0; labels < 128; ++labels) {
      const auto len = u8();
      if (len == 0) return out;
      if (len > 63) throw std::invalid_argument("rdata: compressed or invalid label");
      if (!out.empty()) out += '.';
      for (const char c : bytes(len)) {
        // Presentation format escapes anything that is not a plain printable character.
        const auto uc = static_cast<unsigned char>(c);
        if (c == '.' || c == '\\' || uc <= 0x20 || uc >= 0x7f) {
          char buf[5];
          std::snprintf(buf, sizeof buf, "\\%03u", uc);
          out += buf;
        } else {
          out += c;
        }
      }
    }
    throw std::invalid_argument("rdata: name has too many labels");
  }

 private:
  void need(std::size_t n) const {
    if (data_.size() - pos_ < n) throw std::invalid_argument("rdata: truncated");
  }
  std::string_view data_;
  std::size_t pos_ = 0;
};

}  // namespace

std::string a(std::string_view rdata) {
  if (rdata.size() != 4) throw std::invalid_argument("rdata: A is not 4 octets");
  std::array<unsigned char, 4> bytes{};
  std::memcpy(bytes.data(), rdata.data(), 4);
  return boost::asio::ip::address_v4(bytes).to_string();
}

std::string aaaa(std::string_view rdata) {
  if (rdata.size() != 16) throw std::invalid_argument("rdata: AAAA is not 16 octets");
  std::array<unsigned char, 16> bytes{};
  std::memcpy(bytes.data(), rdata.data(), 16);
  return boost::asio::ip::address_v6(bytes).to_string();
}

std::string name(std::string_view rdata) {
  Reader r(rdata);
  return r.domain_name();
}

Mx mx(std::string_view rdata) {
  Reader r(rdata);
  Mx out;
  out.preference = r.u16();
  out.exchange = r.domain_name();
  return out;
}

std::string txt(std::string_view rdata) {
  Reader r(rdata);
  std::string out;
  while (!r.done()) out += r.bytes(r.u8());
  return out;
}

Caa caa(std::string_view rdata) {
  Reader r(rdata);
  Caa out;
  out.flags = r.u8();
  out.tag = r.bytes(r.u8());
  out.value = r.rest();
  return out;
}

Soa soa(std::string_view rdata) {
  Reader r(rdata);
  Soa out;
  out.mname = r.domain_name();
  out.rname = r.domain_name();
  out.serial = r.u32();
  out.refresh = r.u32();
  out.retry = r.u32();
  out.expire = r.u32();
  out.minimum = r.u32();
  return out;
}

}  // namespace domainscan::scan::rdata
