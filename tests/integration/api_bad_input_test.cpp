// Every kind of bad input gets the right status and a JSON error body; the server keeps
// serving and nothing is stored.
#include "bus/topology.hpp"
#include "support/api_harness.hpp"
#include "support/http_client.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace domainscan::testing {
namespace {

class ApiBadInput : public ::testing::Test {
 protected:
  // Asserts status and error code, then that the server still answers and stored nothing.
  void expect_error(const HttpResponse& res, int status, const std::string& code) {
    EXPECT_EQ(res.status, status) << res.body;
    ASSERT_EQ(res.headers.at("content-type").rfind("application/json", 0), 0u) << res.body;
    const auto body = res.json();
    ASSERT_TRUE(body.is_object() && body.as_object().contains("error")) << res.body;
    EXPECT_EQ(body.at("error").at("code").as_string(), code) << res.body;
    EXPECT_FALSE(body.at("error").at("message").as_string().empty());
    expect_still_serving_and_empty();
  }
  void expect_still_serving_and_empty() {
    EXPECT_EQ(http_request(api.port(), "GET", "/healthz").status, 200);
    EXPECT_TRUE(api.store().list_domains({}).items.empty()) << "bad input must store nothing";
    api.wait_for_publishes();
    EXPECT_EQ(api.bus().depth(bus::kScanQueue), 0) << "bad input must publish nothing";
  }
  void expect_error_status(const HttpResponse& res, int status) {
    EXPECT_EQ(res.status, status) << res.body;
    EXPECT_TRUE(res.json().at("error").is_object()) << res.body;
  }
  HttpResponse post_domains(const std::string& body) { return http_request(api.port(), "POST", "/api/v1/domains", body); }

  ApiHarness api;
};

TEST_F(ApiBadInput, MalformedJson) { expect_error(post_domains("{\"domain\": "), 400, "invalid_json"); }
TEST_F(ApiBadInput, JsonThatIsNotAnObject) { expect_error(post_domains("[\"example.com\"]"), 400, "invalid_json"); }
TEST_F(ApiBadInput, EmptyBody) { expect_error(post_domains(""), 400, "invalid_json"); }
TEST_F(ApiBadInput, MissingDomain) { expect_error(post_domains("{}"), 400, "invalid_domain"); }
TEST_F(ApiBadInput, NonStringDomain) { expect_error(post_domains(R"({"domain": 42})"), 400, "invalid_domain"); }
TEST_F(ApiBadInput, IpLiteral) { expect_error(post_domains(R"({"domain": "192.0.2.7"})"), 400, "invalid_domain"); }
TEST_F(ApiBadInput, Localhost) { expect_error(post_domains(R"({"domain": "localhost"})"), 400, "invalid_domain"); }

// A page of another site may send text/plain or a form without asking first, never
// application/json: JSON bodies must say they are JSON.
TEST_F(ApiBadInput, JsonSentAsAnotherTypeIsRefused) {
  for (const std::string type : {"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"}) {
    expect_error(http_request(api.port(), "POST", "/api/v1/domains", R"({"domain": "example.com"})", type), 415,
                 "unsupported_media_type");
  }
  ASSERT_EQ(http_request(api.port(), "POST", "/api/v1/domains", R"({"domain": "example.com"})",
                         "application/json; charset=utf-8")
                .status,
            202);
  expect_error_status(http_request(api.port(), "PUT", "/api/v1/domains/example.com/schedule", R"({"cron": "@daily"})",
                                   "text/plain"),
                      415);
  expect_error_status(http_request(api.port(), "POST", "/api/v1/webhooks", R"({"url": "http://127.0.0.1:1/"})",
                                   "text/plain"),
                      415);
  EXPECT_FALSE(api.store().find_domain("example.com")->schedule);
}

TEST_F(ApiBadInput, ChangesFromAnotherSitesPageAreRefused) {
  ASSERT_EQ(post_domains(R"({"domain": "example.com"})").status, 202);
  api.wait_for_publishes();
  const auto depth = api.bus().depth(bus::kScanQueue);
  // No body, no preflight: a form on any page could send this.
  const auto forged = http_request(api.port(), "POST", "/api/v1/domains/example.com/scans", "", "application/json",
                                   {{"Origin", "http://attacker.example"}});
  EXPECT_EQ(forged.status, 403) << forged.body;
  EXPECT_EQ(forged.json().at("error").at("code"), "cross_origin");
  EXPECT_EQ(http_request(api.port(), "DELETE", "/api/v1/domains/example.com", "", "application/json",
                         {{"Sec-Fetch-Site", "cross-site"}})
                .status,
            403);
  EXPECT_TRUE(api.store().find_domain("example.com"));
  api.wait_for_publishes();
  EXPECT_EQ(api.bus().depth(bus::kScanQueue), depth);
  // A name re-pointed at this server (DNS rebinding) is not this server's name.
  const auto rebound = http_request(api.port(), "GET", "/api/v1/domains", "", "application/json",
                                    {{"Host", "attacker.example:8080"}});
  EXPECT_EQ(rebound.status, 421) << rebound.body;
  EXPECT_EQ(rebound.json().at("error").at("code"), "misdirected_request");
  // The dashboard's own requests pass (the client names the server as 127.0.0.1).
  const auto own = http_request(api.port(), "DELETE", "/api/v1/domains/example.com", "", "application/json",
                                {{"Origin", "http://127.0.0.1"}, {"Sec-Fetch-Site", "same-origin"}});
  EXPECT_EQ(own.status, 204) << own.body;
}

TEST_F(ApiBadInput, BytesThatAreNotUtf8AreEchoedAsReplacementCharacters) {
  // Found by the api_requests fuzz target: the error message echoed the raw byte, and the
  // answer was not JSON.
  const auto res = http_request(api.port(), "GET", "/domain?domain=a%FFb.test");
  expect_error(res, 400, "invalid_domain");
  EXPECT_NE(res.json().at("error").at("message").as_string().find("a\xEF\xBF\xBD" "b"), std::string::npos) << res.body;
}

TEST_F(ApiBadInput, NameOf300Characters) {
  std::string name;
  while (name.size() < 296) name += "abcdefgh.";
  expect_error(post_domains(R"({"domain": ")" + name + R"(com"})"), 400, "invalid_domain");
}

TEST_F(ApiBadInput, LabelOf64Characters) {
  expect_error(post_domains(R"({"domain": ")" + std::string(64, 'a') + R"(.com"})"), 400, "invalid_domain");
}

TEST_F(ApiBadInput, UnknownSuffix) {
  expect_error(post_domains(R"({"domain": "example.notasuffix"})"), 400, "invalid_domain");
}

TEST_F(ApiBadInput, InvalidSchedule) {
  expect_error(post_domains(R"({"domain": "example.com", "schedule": {"cron": "every day"}})"), 400,
               "invalid_schedule");
  expect_error(post_domains(R"({"domain": "example.com", "schedule": {"cron": "0 3 * * *", "timezone": "Mars/Olympus"}})"),
               400, "invalid_schedule");
  // The message says what is wrong, field by field.
  const auto res = post_domains(R"({"domain": "example.com", "schedule": {"cron": "61 3 * * *"}})");
  expect_error(res, 400, "invalid_schedule");
  EXPECT_EQ(res.json().at("error").at("message"), "minute 61 out of range 0-59");
  const auto never = post_domains(R"({"domain": "example.com", "schedule": {"cron": "0 0 30 2 *"}})");
  expect_error(never, 400, "invalid_schedule");
  EXPECT_EQ(never.json().at("error").at("message"),
            "the cron expression '0 0 30 2 *' names no date that exists (such as 30 February)");
}

TEST_F(ApiBadInput, TenMebibyteBodyIsRefusedUnread) {
  // Announce 10 MiB but send only the first kilobyte: the answer must come without the
  // server waiting for (or reading) the rest.
  const std::size_t announced = 10 * 1024 * 1024;
  const std::string request = fmt::format(
      "POST /api/v1/domains HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{}",
      announced, std::string(1024, ' '));
  const auto answer = raw_exchange(api.port(), request, 5000);
  EXPECT_EQ(answer.rfind("HTTP/1.1 413", 0), 0u) << answer;
  EXPECT_NE(answer.find("body_too_large"), std::string::npos) << answer;
  expect_still_serving_and_empty();
}

TEST_F(ApiBadInput, ChunkedBodyOverTheLimitIsRefused) {
  api::ServerLimits small;
  small.max_body_bytes = 1024;
  ApiHarness limited(Backend::sqlite, small);
  std::string request = "POST /api/v1/domains HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 4; ++i) request += "200\r\n" + std::string(512, 'x') + "\r\n";
  request += "0\r\n\r\n";
  const auto answer = raw_exchange(limited.port(), request, 5000);
  EXPECT_EQ(answer.rfind("HTTP/1.1 413", 0), 0u) << answer;
  EXPECT_EQ(http_request(limited.port(), "GET", "/healthz").status, 200);
}

TEST_F(ApiBadInput, MalformedHttpGets400) {
  const auto answer = raw_exchange(api.port(), "THIS IS NOT HTTP\r\n\r\n");
  EXPECT_EQ(answer.rfind("HTTP/1.1 400", 0), 0u) << answer;
  expect_still_serving_and_empty();
}

TEST_F(ApiBadInput, UnknownRoute) { expect_error(http_request(api.port(), "GET", "/api/v1/nothing"), 404, "not_found"); }

TEST_F(ApiBadInput, WrongMethod) {
  const auto res = http_request(api.port(), "PATCH", "/api/v1/domains");
  EXPECT_NE(res.headers.at("allow").find("POST"), std::string::npos);
  EXPECT_NE(res.headers.at("allow").find("GET"), std::string::npos);
  expect_error(res, 405, "method_not_allowed");
}

TEST_F(ApiBadInput, NonNumericScanId) {
  expect_error(http_request(api.port(), "GET", "/api/v1/scans/abc"), 400, "invalid_scan_id");
  expect_error(http_request(api.port(), "GET", "/api/v1/scans/-4"), 400, "invalid_scan_id");
  expect_error(http_request(api.port(), "GET", "/api/v1/scans/99999999999999999999999"), 400, "invalid_scan_id");
}

TEST_F(ApiBadInput, EncodedDotDotInPath) {
  expect_error(http_request(api.port(), "GET", "/api/v1/domains/..%2F..%2Fetc%2Fpasswd"), 400, "invalid_domain");
  expect_error(http_request(api.port(), "DELETE", "/api/v1/domains/%2E%2E"), 400, "invalid_domain");
  expect_error(http_request(api.port(), "GET", "/api/v1/domains/../../healthz"), 404, "not_found");
}

TEST_F(ApiBadInput, BadQueryParameters) {
  expect_error(http_request(api.port(), "GET", "/api/v1/domains?status=great"), 400, "invalid_parameter");
  expect_error(http_request(api.port(), "GET", "/api/v1/domains?limit=0"), 400, "invalid_parameter");
  expect_error(http_request(api.port(), "GET", "/api/v1/domains?limit=ten"), 400, "invalid_parameter");
  expect_error(http_request(api.port(), "POST", "/domain?domain=example.com&interval=25"), 400, "invalid_parameter");
  expect_error(http_request(api.port(), "POST", "/domain?domain=example.com&interval=0"), 400, "invalid_parameter");
  expect_error(http_request(api.port(), "GET", "/domain"), 400, "invalid_domain");
  expect_error(http_request(api.port(), "GET", "/domain?domain=127.0.0.1"), 400, "invalid_domain");
}

}  // namespace
}  // namespace domainscan::testing

namespace domainscan::testing {
namespace {

// A connection that made one request and stays open, kept alive (idle).
boost::asio::ip::tcp::socket kept_alive(boost::asio::io_context& io, std::uint16_t port) {
  boost::asio::ip::tcp::socket s(io);
  s.connect({boost::asio::ip::make_address("127.0.0.1"), port});
  const std::string request = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
  boost::asio::write(s, boost::asio::buffer(request));
  char buf[512];
  const auto n = s.read_some(boost::asio::buffer(buf));
  EXPECT_EQ(std::string(buf, n).rfind("HTTP/1.1 200", 0), 0u);
  return s;
}

TEST(ServerLimits, AFullServerClosesAnIdleKeptAliveConnectionToServeANewClient) {
  api::ServerLimits small;
  small.max_connections = 3;
  ApiHarness api(Backend::sqlite, small);
  boost::asio::io_context io;
  std::vector<boost::asio::ip::tcp::socket> idle;
  for (int i = 0; i < 3; ++i) idle.push_back(kept_alive(io, api.port()));
  // Full of idle connections: a new client is served, and the oldest idle one was closed.
  EXPECT_EQ(http_request(api.port(), "GET", "/healthz").status, 200);
  boost::system::error_code ec;
  char buf[16];
  idle[0].read_some(boost::asio::buffer(buf), ec);
  EXPECT_EQ(ec, boost::asio::error::eof);
}

TEST(ServerLimits, AFullServerOfBusyConnectionsRefusesWith503) {
  api::ServerLimits small;
  small.max_connections = 2;
  small.header_timeout = std::chrono::seconds(5);
  ApiHarness api(Backend::sqlite, small);
  boost::asio::io_context io;
  std::vector<boost::asio::ip::tcp::socket> busy;
  for (int i = 0; i < 2; ++i) {
    busy.emplace_back(io).connect({boost::asio::ip::make_address("127.0.0.1"), api.port()});
    const std::string half = "GET /healthz HTTP/1.1\r\nHost: x\r\n";
    boost::asio::write(busy.back(), boost::asio::buffer(half));
  }
  const auto answer = raw_exchange(api.port(), "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", 2000);
  EXPECT_EQ(answer.rfind("HTTP/1.1 503", 0), 0u) << answer;
  EXPECT_NE(answer.find("too many connections"), std::string::npos) << answer;
}

}  // namespace
}  // namespace domainscan::testing
