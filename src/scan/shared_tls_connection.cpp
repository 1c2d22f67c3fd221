#include "scan/shared_tls_connection.hpp"

#include "core/text.hpp"
#include "scan/tls.hpp"

#include <boost/asio/this_coro.hpp>

namespace domainscan::scan {

namespace asio = boost::asio;

SharedTlsConnection::SharedTlsConnection(asio::ssl::context& ctx, std::string domain, asio::ip::address address,
                                         std::chrono::milliseconds timeout)
    : ctx_(ctx), domain_(std::move(domain)), address_(address), timeout_(timeout) {}

unsigned short SharedTlsConnection::port() const { return TlsCheck::kPort; }

bool SharedTlsConnection::serves(boost::urls::url_view url, const asio::ip::address& address) const {
  return url.scheme() == "https" && iequals(std::string(url.encoded_host()), domain_) &&
         (!url.has_port() || url.port_number() == port()) && address == address_;
}

asio::awaitable<const TlsHandshake*> SharedTlsConnection::handshake(asio::any_io_executor executor) {
  if (done_) {
    co_await done_->wait();
    co_return &*result_;
  }
  done_.emplace(co_await asio::this_coro::executor);
  try {
    result_ = co_await tls_handshake(std::move(executor), ctx_, domain_, address_, port(), timeout_);
  } catch (...) {
    result_.emplace().handshake_error = asio::error::operation_aborted;  // a waiter must not wait for ever
    done_->set();
    throw;
  }
  done_->set();
  co_return &*result_;
}

std::unique_ptr<TlsStream> SharedTlsConnection::take_stream() {
  if (!result_) return nullptr;
  return std::move(result_->stream);
}

}  // namespace domainscan::scan
