#pragma once
// Whether a server accepts a handshake limited to some TLS versions, and which it picks:
// OpenSSL writes the ClientHello such a handshake starts with and reads the server's answer
// up to its ServerHello, which names the version. The rest of the handshake (the
// certificate, the key exchange) would say nothing more about the version, and costs both
// sides most of a handshake's CPU: the probe stops there and closes the connection.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ssl/context.hpp>

#include <chrono>
#include <memory>
#include <string>

namespace domainscan::scan {

// A context whose ClientHello offers versions min..max only (TLS1_VERSION ... TLS1_2_VERSION),
// with every cipher OpenSSL has: OpenSSL 3 refuses TLS 1.0/1.1 at its default security level,
// and a probe must be willing to speak what it asks about.
std::unique_ptr<boost::asio::ssl::context> make_probe_context(int min_version, int max_version);

// The version the server picked from those `ctx` offers (TLS1_VERSION ...), or 0 when it
// refused them (an alert, a version or cipher outside the offer, a closed connection), did not
// answer within `timeout` (connect and answer together), or could not be reached.
boost::asio::awaitable<int> probe_tls_version(boost::asio::any_io_executor executor, boost::asio::ssl::context& ctx,
                                              std::string domain, boost::asio::ip::address address,
                                              unsigned short port, std::chrono::milliseconds timeout);

}  // namespace domainscan::scan
