#pragma once
// Scanning safety: user-submitted names must not turn the scanner against private networks
// (SSRF). A check connects only to addresses this policy allows, and only to the address it
// checked (never a fresh lookup), so a name cannot be re-pointed between check and connect.
// Refused by default: loopback, private, link-local, CGNAT, multicast, reserved,
// documentation and unspecified ranges, IPv4 and IPv6, including IPv4 written inside IPv6
// (mapped, compatible, 6to4, NAT64). --allow-target opens chosen ranges (test beds).
#include "core/settings.hpp"

#include <boost/asio/ip/address.hpp>

#include <optional>
#include <string>
#include <vector>

namespace domainscan::scan {

class TargetPolicy {
 public:
  explicit TargetPolicy(std::vector<Cidr> allowed = {}) : allowed_(std::move(allowed)) {}

  // Why the address may not be connected to ("loopback address 127.0.0.1"), or nullopt if
  // it may.
  std::optional<std::string> refusal(const boost::asio::ip::address& address) const;

 private:
  bool explicitly_allowed(const boost::asio::ip::address& address) const;
  std::vector<Cidr> allowed_;
};

// The special-purpose range an address falls in ("private", "loopback", ...), or nullopt
// for an ordinary public unicast address. IPv4 carried in IPv6 is judged as IPv4.
std::optional<std::string> special_purpose_range(const boost::asio::ip::address& address);

}  // namespace domainscan::scan
