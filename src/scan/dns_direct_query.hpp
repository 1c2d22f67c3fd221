#pragma once
// One question to one server over UDP, with recursion desired, and only the response code of
// its answer. libunbound does not tell what its forwarder answered: a forwarder that refuses
// the worker (REFUSED) and one whose recursion failed (SERVFAIL) both come back as
// libunbound's own SERVFAIL. The DNS check asks this, once, to say which it was.
#include "core/settings.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace domainscan::scan {

// The query in wire format (RFC 1035 4.1): header with RD and CD set, one question of class
// IN. Throws std::invalid_argument for a name that cannot be encoded (an empty label, a label
// over 63 octets, a name over 255).
std::string encode_dns_query(std::uint16_t id, std::string_view name, int rrtype);

// The RCODE of a reply to the query with this id, or nullopt when the datagram is not one
// (too short, another id, not a response).
std::optional<int> dns_reply_rcode(std::string_view reply, std::uint16_t id);

// Asks and waits at most `timeout`; nullopt when no reply came (or the server is not an IP
// address).
boost::asio::awaitable<std::optional<int>> ask_rcode(boost::asio::any_io_executor executor, HostPort server,
                                                     std::string name, int rrtype, std::chrono::milliseconds timeout);

}  // namespace domainscan::scan
