#include "scan/target_policy.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstdint>

namespace domainscan::scan {

namespace ip = boost::asio::ip;

namespace {

struct SpecialRange {
  const char* network;
  unsigned short prefix;
  const char* kind;
};

// IANA IPv4 Special-Purpose Address Registry (RFC 6890 and updates), plus multicast and
// the old class E. Anything here is never a public web or mail server.
constexpr std::array kSpecial4 = {
    SpecialRange{"0.0.0.0", 8, "unspecified"},        SpecialRange{"10.0.0.0", 8, "private"},
    SpecialRange{"100.64.0.0", 10, "CGNAT"},          SpecialRange{"127.0.0.0", 8, "loopback"},
    SpecialRange{"169.254.0.0", 16, "link-local"},    SpecialRange{"172.16.0.0", 12, "private"},
    SpecialRange{"192.0.0.0", 24, "reserved"},        SpecialRange{"192.0.2.0", 24, "documentation"},
    SpecialRange{"192.88.99.0", 24, "reserved"},      SpecialRange{"192.168.0.0", 16, "private"},
    SpecialRange{"198.18.0.0", 15, "benchmarking"},   SpecialRange{"198.51.100.0", 24, "documentation"},
    SpecialRange{"203.0.113.0", 24, "documentation"}, SpecialRange{"224.0.0.0", 4, "multicast"},
    SpecialRange{"240.0.0.0", 4, "reserved"},
};

// IANA IPv6 Special-Purpose Address Registry; ranges that embed IPv4 are handled apart.
constexpr std::array kSpecial6 = {
    SpecialRange{"::", 128, "unspecified"},        SpecialRange{"::1", 128, "loopback"},
    SpecialRange{"100::", 64, "reserved"},         SpecialRange{"2001::", 23, "reserved"},
    SpecialRange{"2001:db8::", 32, "documentation"}, SpecialRange{"fc00::", 7, "private"},
    SpecialRange{"fe80::", 10, "link-local"},      SpecialRange{"fec0::", 10, "reserved"},
    SpecialRange{"ff00::", 8, "multicast"},        SpecialRange{"3fff::", 20, "documentation"},
    // Local-use NAT64 (RFC 8215): which IPv4 address it stands for is the local network's
    // choice (any RFC 6052 layout), so it is never taken for a public host.
    SpecialRange{"64:ff9b:1::", 48, "NAT64 (local use)"},
    SpecialRange{"5f00::", 16, "SRv6 (reserved)"},  // segment identifiers (RFC 9602)
};

bool in(const ip::address_v4& a, const ip::address_v4& network, unsigned short prefix) {
  const std::uint32_t mask = prefix == 0 ? 0 : ~std::uint32_t{0} << (32 - prefix);
  return ((a.to_uint() ^ network.to_uint()) & mask) == 0;
}

bool in(const ip::address_v6& a, const ip::network_v6& n) {
  const auto bytes = a.to_bytes();
  const auto net = n.network().to_bytes();
  unsigned bits = n.prefix_length();
  for (std::size_t i = 0; i < bytes.size() && bits > 0; ++i) {
    const unsigned take = std::min(bits, 8u);
    const auto mask = static_cast<unsigned char>(0xff << (8 - take));
    if ((bytes[i] & mask) != (net[i] & mask)) return false;
    bits -= take;
  }
  return true;
}

std::optional<std::string> special4(const ip::address_v4& a) {
  if (a == ip::address_v4::broadcast()) return "broadcast";
  for (const auto& r : kSpecial4) {
    if (in(a, ip::make_address_v4(r.network), r.prefix)) return r.kind;
  }
  return std::nullopt;
}

// The IPv4 address an IPv6 address carries, for the forms that reach an IPv4 host.
std::optional<ip::address_v4> embedded_v4(const ip::address_v6& a) {
  const auto b = a.to_bytes();
  const auto tail = [&](std::size_t from) {
    return ip::address_v4(ip::address_v4::bytes_type{b[from], b[from + 1], b[from + 2], b[from + 3]});
  };
  if (a.is_v4_mapped()) return tail(12);  // ::ffff:a.b.c.d
  const bool zero96 = std::all_of(b.begin(), b.begin() + 12, [](unsigned char c) { return c == 0; });
  if (zero96 && !a.is_unspecified() && !a.is_loopback()) return tail(12);  // ::a.b.c.d (deprecated)
  if (in(a, ip::network_v6(ip::make_address_v6("64:ff9b::"), 96))) return tail(12);    // NAT64
  if (in(a, ip::network_v6(ip::make_address_v6("::ffff:0:0:0"), 96))) return tail(12);  // SIIT (RFC 2765)
  if (in(a, ip::network_v6(ip::make_address_v6("2002::"), 16))) return tail(2);         // 6to4
  return std::nullopt;
}

}  // namespace

std::optional<std::string> special_purpose_range(const ip::address& address) {
  if (address.is_v4()) return special4(address.to_v4());
  const auto v6 = address.to_v6();
  if (const auto v4 = embedded_v4(v6)) {
    if (auto kind = special4(*v4)) return *kind + " (IPv4 inside IPv6)";
    return std::nullopt;
  }
  for (const auto& r : kSpecial6) {
    if (in(v6, ip::network_v6(ip::make_address_v6(r.network), r.prefix))) return r.kind;
  }
  return std::nullopt;
}

bool TargetPolicy::explicitly_allowed(const ip::address& address) const {
  for (const auto& cidr : allowed_) {
    if (const auto* n4 = std::get_if<ip::network_v4>(&cidr)) {
      // An allowed IPv4 range also covers its addresses written as ::ffff:a.b.c.d.
      std::optional<ip::address_v4> a4;
      if (address.is_v4()) a4 = address.to_v4();
      else if (address.to_v6().is_v4_mapped()) a4 = ip::make_address_v4(ip::v4_mapped, address.to_v6());
      if (a4 && in(*a4, n4->network(), n4->prefix_length())) return true;
    } else if (address.is_v6() && in(address.to_v6(), std::get<ip::network_v6>(cidr))) {
      return true;
    }
  }
  return false;
}

std::optional<std::string> TargetPolicy::refusal(const ip::address& address) const {
  const auto kind = special_purpose_range(address);
  if (!kind || explicitly_allowed(address)) return std::nullopt;
  return fmt::format("{} address {} is not scanned (see --allow-target)", *kind, address.to_string());
}

}  // namespace domainscan::scan
