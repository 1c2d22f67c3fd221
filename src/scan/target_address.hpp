#pragma once
// The one address a check connects to for a URL's host: an IP literal as written, the
// domain's own addresses from the DNS check, or one fresh lookup for another name (a
// redirect's host, the MTA-STS or RDAP server). Either way through the target policy.
#include "scan/check.hpp"

#include <boost/url/url_view.hpp>

#include <string>
#include <variant>

namespace domainscan::scan {

// The address, or why there is none to connect to.
boost::asio::awaitable<std::variant<boost::asio::ip::address, std::string>> target_address(
    const ScanContext& context, boost::urls::url_view url);

}  // namespace domainscan::scan
