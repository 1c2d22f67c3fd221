#pragma once
// The one address a check connects to for a URL's host: an IP literal as written, the
// domain's own addresses from the DNS check, or one fresh lookup for another name (a
// redirect's host, the MTA-STS or RDAP server). Either way through the target policy.
#include "scan/check.hpp"

#include <boost/url/url_view.hpp>

#include <string>
#include <variant>

namespace domainscan::scan {

// Why there is no address to connect to.
struct NoTarget {
  std::string why;
  // The host has no address (it does not resolve), as opposed to an address the target
  // policy refuses: a broken link, not a policy matter.
  bool unresolved = false;
};

// The address, or why there is none to connect to.
boost::asio::awaitable<std::variant<boost::asio::ip::address, NoTarget>> target_address(const ScanContext& context,
                                                                                        boost::urls::url_view url);

}  // namespace domainscan::scan
