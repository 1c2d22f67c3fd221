// The HTTP check against the test bed's nginx (tests/testbed/web.sh): redirects to HTTPS
// with every header set, a plain-HTTP site, a redirect loop, endless redirects, a redirect
// to a private address, a large body and a listener that never answers.
#include "scan/http.hpp"
#include "scan/http_fetch.hpp"
#include "support/findings.hpp"
#include "support/run_to_completion.hpp"
#include "support/testbed.hpp"

#include <boost/url/parse.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>
#include <gtest/gtest.h>

namespace domainscan::scan {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using namespace std::chrono_literals;

const TargetPolicy& kTestBedAllowed = testing::test_bed_policy();

struct Run {
  CheckResult result;
  bool finished = false;
};

Run check(const std::string& domain, const std::string& address, const TargetPolicy& policy = kTestBedAllowed,
          std::chrono::milliseconds timeout = 3s) {
  ScanContext context{domain, {asio::ip::make_address(address)}, nullptr, &policy, nullptr, timeout};
  asio::io_context io;
  HttpCheck http(io.get_executor());
  auto result = testing::run_to_completion(io, http.run(context), timeout * 4 + 10s);
  return {result.value_or(CheckResult{}), result.has_value()};
}

bool has(const CheckResult& r, const std::string& id) { return testing::has_finding(r.findings, id); }

TEST(HttpCheck, ASiteDoneRight) {
  const auto run = check("valid.web.test", "127.0.0.21");
  ASSERT_TRUE(run.finished);
  const auto& j = run.result.json;
  ASSERT_EQ(j.at("status"), "ok") << json::serialize(j);
  EXPECT_EQ(j.at("redirects_to_https"), true);
  EXPECT_EQ(j.at("redirects"),
            (json::array{json::object{{"url", "http://valid.web.test/"}, {"status", 301}},
                         json::object{{"url", "https://valid.web.test/"}, {"status", 200}}}));
  EXPECT_EQ(j.at("final_url"), "https://valid.web.test/");
  EXPECT_EQ(j.at("final_status"), 200);
  EXPECT_EQ(j.at("hsts"), (json::object{{"max_age", 31536000},
                                        {"include_subdomains", true},
                                        {"preload", true},
                                        {"present", true},
                                        {"header", "max-age=31536000; includeSubDomains; preload"}}));
  for (const char* h : {"content-security-policy", "x-frame-options", "x-content-type-options", "referrer-policy",
                        "permissions-policy"}) {
    EXPECT_FALSE(j.at("headers").at(h).is_null()) << h;
  }
  ASSERT_EQ(j.at("cookies").as_array().size(), 1u);
  EXPECT_EQ(j.at("cookies").at(0).at("same_site"), "Lax");
  EXPECT_TRUE(run.result.findings.empty()) << json::serialize(run.result.findings);
}

TEST(HttpCheck, APlainHttpSite) {
  const auto run = check("plain.web.test", "127.0.0.27");
  ASSERT_TRUE(run.finished);
  const auto& j = run.result.json;
  ASSERT_EQ(j.at("status"), "ok") << json::serialize(j);
  EXPECT_EQ(j.at("redirects_to_https"), false);
  EXPECT_EQ(j.at("final_status"), 200);
  EXPECT_EQ(j.at("hsts").at("present"), false);
  EXPECT_TRUE(j.at("hsts").at("max_age").is_null());
  EXPECT_FALSE(j.at("https_error").is_null());
  EXPECT_TRUE(has(run.result, "http.no_https"));
  EXPECT_TRUE(has(run.result, "http.no_redirect_to_https"));
  EXPECT_TRUE(has(run.result, "http.missing_content-security-policy"));
  EXPECT_EQ(j.at("cookies").at(0).at("secure"), false);
}

TEST(HttpCheck, ARedirectLoopIsDetected) {
  const auto run = check("loop.web.test", "127.0.0.28");
  ASSERT_TRUE(run.finished);
  EXPECT_TRUE(has(run.result, "http.redirect_loop")) << json::serialize(run.result.json);
  EXPECT_EQ(run.result.json.at("redirects").as_array().size(), 3u);  // /, /a, /b and then /a again
}

TEST(HttpCheck, EndlessRedirectsStopAtTheLimit) {
  const auto run = check("chain.web.test", "127.0.0.32");
  ASSERT_TRUE(run.finished);
  EXPECT_TRUE(has(run.result, "http.too_many_redirects")) << json::serialize(run.result.json);
  EXPECT_EQ(run.result.json.at("redirects").as_array().size(), static_cast<std::size_t>(HttpCheck::kMaxRedirects + 1));
}

TEST(HttpCheck, ARedirectToAPrivateAddressIsNotFollowed) {
  const auto run = check("ssrf.web.test", "127.0.0.29");
  ASSERT_TRUE(run.finished);
  EXPECT_TRUE(has(run.result, "http.redirect_refused")) << json::serialize(run.result.json);
  const auto text = json::serialize(run.result.json);
  EXPECT_NE(text.find("private address 10.0.0.1"), std::string::npos) << text;
}

TEST(HttpCheck, ARedirectToANameThatDoesNotResolveIsBrokenNotRefused) {
  // Issue 16.10: it was reported as "redirect refused", a policy finding.
  const auto run = check("moved.web.test", "127.0.0.40");
  ASSERT_TRUE(run.finished);
  EXPECT_TRUE(has(run.result, "http.redirect_unresolvable")) << json::serialize(run.result.json);
  EXPECT_FALSE(has(run.result, "http.redirect_refused")) << json::serialize(run.result.json);
  const auto text = json::serialize(run.result.findings);
  EXPECT_NE(text.find("http://nowhere.web.test/"), std::string::npos) << text;
}

TEST(HttpCheck, ALargeBodyIsReadOnlyUpToTheBound) {
  const auto run = check("big.web.test", "127.0.0.31");
  ASSERT_TRUE(run.finished);
  EXPECT_EQ(run.result.json.at("final_status"), 200) << json::serialize(run.result.json);
}

TEST(HttpFetch, ReadsAtMostTheBodyBound) {
  const auto url = boost::urls::parse_uri("http://big.web.test/").value();
  asio::io_context io;
  const auto fetched = testing::run_to_completion(
      io, http_fetch(io.get_executor(), url, asio::ip::make_address("127.0.0.31"), 5s, 64 * 1024), 20s);
  ASSERT_TRUE(fetched);
  const auto& result = *fetched;
  EXPECT_FALSE(result.error) << *result.error;
  EXPECT_EQ(result.status, 200);
  EXPECT_TRUE(result.body_truncated);
  EXPECT_LE(result.body.size(), 64u * 1024);  // of a 3 MiB body
  EXPECT_EQ(result.header("content-length"), "3145728");
}

TEST(HttpCheck, AServerThatNeverAnswersCostsOneTimeout) {
  const auto started = std::chrono::steady_clock::now();
  const auto run = check("silent.web.test", "127.0.0.25", kTestBedAllowed, 1s);
  ASSERT_TRUE(run.finished);
  EXPECT_EQ(run.result.json.at("status"), "error");
  EXPECT_TRUE(run.result.network_failure);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 8s);  // http and https side by side
}

TEST(HttpCheck, AServerThatTricklesOneByteASecondCostsOneTimeout) {
  // trickle.web.test answers a header that never ends, a byte a second: each read succeeds,
  // so only a deadline on the whole exchange stops it.
  const auto started = std::chrono::steady_clock::now();
  const auto run = check("trickle.web.test", "127.0.0.36", kTestBedAllowed, 2s);
  ASSERT_TRUE(run.finished);
  EXPECT_EQ(run.result.json.at("status"), "error") << json::serialize(run.result.json);
  EXPECT_TRUE(run.result.network_failure);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 12s);  // http and https side by side
}

TEST(HttpCheck, NothingIsFetchedUnlessThePolicyAllowsIt) {
  const auto run = check("valid.web.test", "127.0.0.21", TargetPolicy());
  ASSERT_TRUE(run.finished);
  EXPECT_EQ(run.result.json.at("status"), "skipped");
}

}  // namespace
}  // namespace domainscan::scan

namespace domainscan::scan {
namespace {

// A fetch that must verify the server (HttpFetchOptions::verify): by host name, or by
// address when the URL names an address; a failure says why.
HttpFetchResult verified_fetch(const std::string& url_text, const std::string& address) {
  asio::io_context io;
  HttpFetchOptions options;
  options.verify = make_verifying_context(testing::test_ca_file());
  const boost::urls::url url(boost::urls::parse_uri(url_text).value());
  auto res = testing::run_to_completion(
      io, http_fetch(io.get_executor(), url, asio::ip::make_address(address), 3s, std::move(options)), 20s);
  EXPECT_TRUE(res) << url_text;
  return res.value_or(HttpFetchResult{});
}

TEST(HttpFetch, AVerifiedFetchChecksTheNameOrTheAddress) {
  const auto good = verified_fetch("https://valid.web.test/", "127.0.0.21");
  EXPECT_FALSE(good.error) << *good.error;
  EXPECT_EQ(good.status, 200);

  const auto wrong_name = verified_fetch("https://wronghost.web.test/", "127.0.0.24");
  ASSERT_TRUE(wrong_name.certificate_error);
  EXPECT_EQ(*wrong_name.certificate_error, "hostname mismatch");

  // The certificate names valid.web.test, not the address.
  const auto by_address = verified_fetch("https://127.0.0.21/", "127.0.0.21");
  ASSERT_TRUE(by_address.certificate_error);
  EXPECT_EQ(*by_address.certificate_error, "IP address mismatch");

  const auto self_signed = verified_fetch("https://selfsigned.web.test/", "127.0.0.23");
  ASSERT_TRUE(self_signed.certificate_error);
  EXPECT_NE(self_signed.certificate_error->find("self-signed"), std::string::npos) << *self_signed.certificate_error;
}

}  // namespace
}  // namespace domainscan::scan
