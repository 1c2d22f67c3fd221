#include "api/origin_guard.hpp"

#include <gtest/gtest.h>

#include <map>

namespace domainscan::api {
namespace {

Request request(http::verb method, const std::map<std::string, std::string>& fields) {
  Request r(method, "/api/v1/domains", 11);
  for (const auto& [name, value] : fields) r.set(name, value);
  return r;
}

// The status the guard answers with, or 0 when the request passes.
int verdict(const OriginGuard& guard, http::verb method, const std::map<std::string, std::string>& fields,
            Access access = Access::write) {
  const auto refused = guard.refuse(request(method, fields), access);
  return refused ? refused->result_int() : 0;
}

TEST(OriginGuard, HostsThatNoAttackerCanPointHerePass) {
  const OriginGuard guard;
  for (const char* host : {"127.0.0.1:8080", "127.0.0.1", "[::1]:8080", "10.1.2.3", "localhost:8080", "LocalHost",
                           "app.localhost:8080", "localhost.", ""}) {
    EXPECT_EQ(verdict(guard, http::verb::get, {{"Host", host}}, Access::read), 0) << host;
  }
  // No Host at all (HTTP/1.0): never a browser.
  EXPECT_EQ(verdict(guard, http::verb::get, {}, Access::read), 0);
}

// DNS rebinding: attacker.example re-pointed at 127.0.0.1 is the page's own origin, but
// its requests say Host: attacker.example.
TEST(OriginGuard, OtherHostNamesAreMisdirected) {
  const OriginGuard guard;
  const auto refused = guard.refuse(request(http::verb::get, {{"Host", "attacker.example:8080"}}), Access::read);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->result(), http::status::misdirected_request);
  EXPECT_NE(refused->body().find("misdirected_request"), std::string::npos);
  EXPECT_NE(refused->body().find("attacker.example"), std::string::npos);
  EXPECT_EQ(verdict(guard, http::verb::get, {{"Host", "localhost.attacker.example"}}, Access::read), 421);
  // Probes and Prometheus ask by whatever name they know the service by.
  EXPECT_EQ(verdict(guard, http::verb::get, {{"Host", "api"}}, Access::open), 0);
  EXPECT_EQ(verdict(guard, http::verb::get, {{"Host", "api:8080"}}, Access::metrics), 0);
}

TEST(OriginGuard, TheMachinesNameTheListenNameAndPublicUrlsAreKnown) {
  const OriginGuard guard(
      OriginRules::from("scanner.lan", {"https://Scanner.Example.NET", "http://10.0.0.5:8080"}, "Workstation"));
  EXPECT_EQ(verdict(guard, http::verb::get, {{"Host", "workstation:8080"}}, Access::read), 0);
  EXPECT_EQ(verdict(guard, http::verb::get, {{"Host", "scanner.lan:8080"}}, Access::read), 0);
  EXPECT_EQ(verdict(guard, http::verb::get, {{"Host", "scanner.example.net"}}, Access::read), 0);
  EXPECT_EQ(verdict(guard, http::verb::get, {{"Host", "other.example.net"}}, Access::read), 421);
  // Behind a reverse proxy that forwards its own Host, the browser's origin is the public one.
  EXPECT_EQ(verdict(guard, http::verb::post, {{"Host", "127.0.0.1:8080"}, {"Origin", "https://scanner.example.net"}}), 0);
  EXPECT_EQ(verdict(guard, http::verb::post,
                    {{"Host", "127.0.0.1:8080"}, {"Origin", "https://scanner.example.net:443"}}), 0);
  EXPECT_EQ(verdict(guard, http::verb::post, {{"Host", "127.0.0.1:8080"}, {"Origin", "http://10.0.0.5:8080"}}), 0);
  EXPECT_EQ(verdict(guard, http::verb::post, {{"Host", "127.0.0.1:8080"}, {"Origin", "http://scanner.example.net"}}),
            403);
  // An IPv6 listen address is no name.
  const OriginGuard v6(OriginRules::from("::1", {}));
  EXPECT_EQ(verdict(v6, http::verb::get, {{"Host", "[::1]:8080"}}, Access::read), 0);
}

TEST(OriginGuard, ChangesFromAnotherOriginAreRefused) {
  const OriginGuard guard;
  const std::map<std::string, std::string> host{{"Host", "127.0.0.1:8080"}};
  auto with = [&](std::map<std::string, std::string> more) {
    more.insert(host.begin(), host.end());
    return more;
  };
  for (const auto method : {http::verb::post, http::verb::put, http::verb::delete_, http::verb::patch}) {
    EXPECT_EQ(verdict(guard, method, with({{"Origin", "http://attacker.example"}})), 403);
    EXPECT_EQ(verdict(guard, method, with({{"Origin", "null"}})), 403);
    EXPECT_EQ(verdict(guard, method, with({{"Origin", "http://127.0.0.1:9090"}})), 403);  // another port
    EXPECT_EQ(verdict(guard, method, with({{"Sec-Fetch-Site", "cross-site"}})), 403);
    EXPECT_EQ(verdict(guard, method, with({{"Sec-Fetch-Site", "same-site"}})), 403);
    // The dashboard's own requests, and clients that are not browsers.
    EXPECT_EQ(verdict(guard, method, with({{"Origin", "http://127.0.0.1:8080"}, {"Sec-Fetch-Site", "same-origin"}})), 0);
    EXPECT_EQ(verdict(guard, method, with({})), 0);
  }
  const auto refused = guard.refuse(request(http::verb::post, with({{"Origin", "http://attacker.example"}})), Access::write);
  ASSERT_TRUE(refused);
  EXPECT_NE(refused->body().find("cross_origin"), std::string::npos);
  // Reading is not changing: a cross-origin GET gets an answer the browser will not show the page.
  EXPECT_EQ(verdict(guard, http::verb::get, with({{"Origin", "http://attacker.example"}}), Access::read), 0);
}

}  // namespace
}  // namespace domainscan::api
