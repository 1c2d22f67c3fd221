// What a scan's TLS and HTTP checks cost the server they scan, counted by the server: a TLS
// server of the test's own on 127.0.0.42:443 (counted.web.test in the test bed's zone),
// speaking TLS 1.2 and 1.3 with the test CA's certificate for valid.web.test, that counts
// connections, completed handshakes and HTTP requests. The two checks share one handshake,
// and a version probe stops at the server's hello, so a scan of both completes one
// handshake where it used to complete three.
#include "scan/engine.hpp"
#include "support/eventually.hpp"
#include "support/run_to_completion.hpp"
#include "support/testbed.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <thread>

namespace domainscan::scan {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace json = boost::json;
namespace ssl = asio::ssl;
using asio::ip::tcp;
using namespace std::chrono_literals;

constexpr const char* kDomain = "counted.web.test";
constexpr const char* kAddress = "127.0.0.42";

class CountingTlsServer {
 public:
  CountingTlsServer() {
    const auto dir = std::filesystem::path(testing::test_ca_file()).parent_path();
    ctx_.use_certificate_chain_file((dir / "valid.pem").string());
    ctx_.use_private_key_file((dir / "valid.key").string(), ssl::context::pem);
    SSL_CTX_set_min_proto_version(ctx_.native_handle(), TLS1_2_VERSION);
    const tcp::endpoint at(asio::ip::make_address(kAddress), 443);
    acceptor_.open(at.protocol());
    acceptor_.set_option(tcp::acceptor::reuse_address(true));
    acceptor_.bind(at);  // port 443: the test runs as root, like the test bed's nginx
    acceptor_.listen();
    asio::co_spawn(io_, accept_all(), asio::detached);
    thread_ = std::thread([this] { io_.run(); });
  }
  ~CountingTlsServer() {
    io_.stop();
    thread_.join();
  }

  int connections() const { return connections_; }
  int handshakes() const { return handshakes_; }
  int requests() const { return requests_; }
  int finished() const { return finished_; }  // connections the server is done with

 private:
  asio::awaitable<void> accept_all() {
    for (;;) {
      auto [ec, socket] = co_await acceptor_.async_accept(asio::as_tuple(asio::use_awaitable));
      if (ec) co_return;
      ++connections_;
      asio::co_spawn(io_, serve(std::move(socket)), asio::detached);
    }
  }

  // A handshake; then, if a request comes, a 200 with HSTS, and the connection closed.
  asio::awaitable<void> serve(tcp::socket socket) {
    struct Done {
      std::atomic<int>& count;
      ~Done() { ++count; }
    } done{finished_};
    ssl::stream<beast::tcp_stream> stream(beast::tcp_stream(std::move(socket)), ctx_);
    beast::get_lowest_layer(stream).expires_after(10s);
    boost::system::error_code ec;
    co_await stream.async_handshake(ssl::stream_base::server, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;  // a probe, gone after the server's hello
    ++handshakes_;
    beast::flat_buffer buffer;
    http::request<http::string_body> request;
    co_await http::async_read(stream, buffer, request, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;
    ++requests_;
    http::response<http::string_body> response{http::status::ok, 11};
    response.set(http::field::strict_transport_security, "max-age=31536000");
    response.set(http::field::connection, "close");
    response.body() = "counted\n";
    response.prepare_payload();
    co_await http::async_write(stream, response, asio::redirect_error(asio::use_awaitable, ec));
    co_await stream.async_shutdown(asio::redirect_error(asio::use_awaitable, ec));
  }

  ssl::context ctx_{ssl::context::tls_server};  // outlives the connections io_ holds
  asio::io_context io_;
  tcp::acceptor acceptor_{io_};
  std::thread thread_;
  std::atomic<int> connections_{0}, handshakes_{0}, requests_{0}, finished_{0};
};

ScanReport scan_counted(std::vector<std::string> checks) {
  asio::io_context io;
  ScanEngine engine(io.get_executor(), testing::test_bed_scan_settings(std::move(checks), 3s));
  auto report = testing::run_to_completion(io, engine.scan(kDomain), 60s);
  EXPECT_TRUE(report);
  return report.value_or(ScanReport{});
}

void expect_tls_reported(const ScanReport& r) {
  const auto& tls = r.checks.at("tls").as_object();
  ASSERT_EQ(tls.at("status"), "ok") << json::serialize(tls);
  EXPECT_EQ(tls.at("protocol"), "TLSv1.3");
  EXPECT_EQ(tls.at("chain_valid"), true);
  EXPECT_EQ(tls.at("certificate").at("subject"), "CN=valid.web.test");
  // 1.3 from the handshake, 1.2 from a probe the server answered with its hello, 1.0 and
  // 1.1 from one it refused.
  EXPECT_EQ(json::serialize(tls.at("protocols")),
            R"({"TLSv1.0":false,"TLSv1.1":false,"TLSv1.2":true,"TLSv1.3":true})");
}

TEST(TlsHandshakeCount, TheTlsAndHttpChecksShareOneHandshakeAndProbesStopAtTheServersHello) {
  CountingTlsServer server;
  const auto r = scan_counted({"tls", "http"});
  expect_tls_reported(r);
  const auto& web = r.checks.at("http").as_object();
  ASSERT_EQ(web.at("status"), "ok") << json::serialize(web);
  EXPECT_EQ(web.at("final_url"), "https://counted.web.test/");
  EXPECT_EQ(web.at("final_status"), 200);
  EXPECT_EQ(web.at("hsts").at("present"), true);
  // The shared connection, the 1.0-1.1 probe and the 1.2 probe: counted once the server is
  // done with each.
  EXPECT_TRUE(testing::eventually([&] { return server.finished() == 3; }, 5s)) << server.finished();
  EXPECT_EQ(server.connections(), 3);
  EXPECT_EQ(server.handshakes(), 1);  // was three: the TLS check's, the HTTP check's, the 1.2 probe's
  EXPECT_EQ(server.requests(), 1);
}

TEST(TlsHandshakeCount, TheTlsCheckAloneMakesItsOwnHandshakeAndTheSameProbes) {
  CountingTlsServer server;
  const auto r = scan_counted({"tls"});
  expect_tls_reported(r);
  EXPECT_TRUE(testing::eventually([&] { return server.finished() == 3; }, 5s)) << server.finished();
  EXPECT_EQ(server.connections(), 3);
  EXPECT_EQ(server.handshakes(), 1);
  EXPECT_EQ(server.requests(), 0);
}

TEST(TlsHandshakeCount, TheHttpCheckAloneMakesItsOwnHandshake) {
  CountingTlsServer server;
  const auto r = scan_counted({"http"});
  const auto& web = r.checks.at("http").as_object();
  ASSERT_EQ(web.at("status"), "ok") << json::serialize(web);
  EXPECT_EQ(web.at("final_status"), 200);
  EXPECT_TRUE(testing::eventually([&] { return server.finished() == 1; }, 5s)) << server.finished();
  EXPECT_EQ(server.connections(), 1);
  EXPECT_EQ(server.handshakes(), 1);
  EXPECT_EQ(server.requests(), 1);
}

}  // namespace
}  // namespace domainscan::scan
