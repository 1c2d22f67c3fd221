// Parsing the response headers the HTTP check reports on.
#include "scan/http.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

namespace domainscan::scan {
namespace {

TEST(HttpHeaders, Hsts) {
  const auto full = parse_hsts("max-age=31536000; includeSubDomains; preload");
  EXPECT_EQ(full.at("max_age").as_int64(), 31536000);
  EXPECT_EQ(full.at("include_subdomains"), true);
  EXPECT_EQ(full.at("preload"), true);
  const auto quoted = parse_hsts("Max-Age=\"600\"");
  EXPECT_EQ(quoted.at("max_age").as_int64(), 600);
  EXPECT_EQ(quoted.at("include_subdomains"), false);
  EXPECT_TRUE(parse_hsts("max-age=soon").at("max_age").is_null());
  EXPECT_TRUE(parse_hsts("").at("max_age").is_null());
}

TEST(HttpHeaders, SetCookie) {
  const auto strict = parse_set_cookie("session=abc; Path=/; Secure; HttpOnly; SameSite=Strict");
  EXPECT_EQ(strict.at("name"), "session");
  EXPECT_EQ(strict.at("secure"), true);
  EXPECT_EQ(strict.at("http_only"), true);
  EXPECT_EQ(strict.at("same_site"), "Strict");
  const auto bare = parse_set_cookie("tracking=1");
  EXPECT_EQ(bare.at("name"), "tracking");
  EXPECT_EQ(bare.at("secure"), false);
  EXPECT_EQ(bare.at("http_only"), false);
  EXPECT_TRUE(bare.at("same_site").is_null());
}

}  // namespace
}  // namespace domainscan::scan
