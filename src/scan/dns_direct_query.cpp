#include "scan/dns_direct_query.hpp"

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <array>
#include <random>
#include <stdexcept>

namespace domainscan::scan {

namespace asio = boost::asio;

namespace {

constexpr std::size_t kHeaderBytes = 12;
constexpr std::uint16_t kFlagResponse = 0x8000;
constexpr std::uint16_t kFlagRecursionDesired = 0x0100;
// Checking disabled: a validating forwarder answers data it cannot validate instead of
// SERVFAIL, so what comes back says whether it could resolve the name at all.
constexpr std::uint16_t kFlagCheckingDisabled = 0x0010;
constexpr int kClassIn = 1;
// The largest UDP answer read: only the header matters, the rest is discarded.
constexpr std::size_t kMaxReplyBytes = 4096;

void put16(std::string& out, unsigned v) {
  out.push_back(static_cast<char>((v >> 8) & 0xff));
  out.push_back(static_cast<char>(v & 0xff));
}

unsigned get16(std::string_view in, std::size_t at) {
  return (static_cast<unsigned>(static_cast<unsigned char>(in[at])) << 8) | static_cast<unsigned char>(in[at + 1]);
}

std::uint16_t random_id() {
  thread_local std::mt19937 generator{std::random_device{}()};
  return static_cast<std::uint16_t>(std::uniform_int_distribution<unsigned>(0, 0xffff)(generator));
}

}  // namespace

std::string encode_dns_query(std::uint16_t id, std::string_view name, int rrtype) {
  std::string out;
  put16(out, id);
  put16(out, kFlagRecursionDesired | kFlagCheckingDisabled);
  put16(out, 1);  // one question
  put16(out, 0);
  put16(out, 0);
  put16(out, 0);
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);
  std::size_t wire_length = 1;  // the root label
  while (!name.empty()) {
    const auto dot = name.find('.');
    const auto label = name.substr(0, dot);
    if (label.empty() || label.size() > 63) throw std::invalid_argument("a DNS label must be 1 to 63 octets");
    wire_length += label.size() + 1;
    out.push_back(static_cast<char>(label.size()));
    out.append(label);
    name = dot == std::string_view::npos ? std::string_view{} : name.substr(dot + 1);
  }
  if (wire_length > 255) throw std::invalid_argument("a DNS name must be at most 255 octets");
  out.push_back('\0');
  put16(out, static_cast<unsigned>(rrtype));
  put16(out, kClassIn);
  return out;
}

std::optional<int> dns_reply_rcode(std::string_view reply, std::uint16_t id) {
  if (reply.size() < kHeaderBytes) return std::nullopt;
  if (get16(reply, 0) != id) return std::nullopt;
  const unsigned flags = get16(reply, 2);
  if ((flags & kFlagResponse) == 0) return std::nullopt;
  return static_cast<int>(flags & 0x000f);
}

asio::awaitable<std::optional<int>> ask_rcode(asio::any_io_executor executor, HostPort server, std::string name,
                                              int rrtype, std::chrono::milliseconds timeout) {
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(server.host, ec);
  if (ec) co_return std::nullopt;
  const asio::ip::udp::endpoint endpoint(address, server.port);
  const std::uint16_t id = random_id();
  std::string query;
  try {
    query = encode_dns_query(id, name, rrtype);
  } catch (const std::invalid_argument&) {
    co_return std::nullopt;
  }

  asio::ip::udp::socket socket(executor);
  socket.open(endpoint.protocol(), ec);
  if (ec) co_return std::nullopt;
  // Connected: the kernel passes up only datagrams from the server (and its ICMP errors).
  socket.connect(endpoint, ec);
  if (ec) co_return std::nullopt;
  co_await socket.async_send(asio::buffer(query), asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return std::nullopt;

  using namespace asio::experimental::awaitable_operators;
  asio::steady_timer deadline(executor, timeout);
  std::array<char, kMaxReplyBytes> buffer{};
  const auto read_reply = [&]() -> asio::awaitable<std::optional<int>> {
    while (true) {
      boost::system::error_code read_error;
      const std::size_t n =
          co_await socket.async_receive(asio::buffer(buffer), asio::redirect_error(asio::use_awaitable, read_error));
      if (read_error) co_return std::nullopt;  // refused (nothing listens), or closed
      if (auto rcode = dns_reply_rcode(std::string_view(buffer.data(), n), id)) co_return rcode;
      // Not our reply (a late one to an earlier question): keep waiting.
    }
  };
  auto outcome = co_await (read_reply() || deadline.async_wait(asio::use_awaitable));
  if (outcome.index() == 1) co_return std::nullopt;
  co_return std::get<0>(outcome);
}

}  // namespace domainscan::scan
