// Passwords out of URLs that are logged.
#include "core/redact.hpp"

#include <gtest/gtest.h>

namespace domainscan {
namespace {

TEST(Redact, APasswordInAUrlIsReplaced) {
  EXPECT_EQ(without_password("postgresql://scanner:s3cret@db.example.net:5432/domainscan"),
            "postgresql://scanner:***@db.example.net:5432/domainscan");
  EXPECT_EQ(without_password("amqp://guest:guest@localhost:5672/"), "amqp://guest:***@localhost:5672/");
}

TEST(Redact, UrlsWithoutAPasswordStayAsTheyAre) {
  EXPECT_EQ(without_password("sqlite:/var/lib/domainscan/d.db"), "sqlite:/var/lib/domainscan/d.db");
  EXPECT_EQ(without_password("postgresql://scanner@db/domainscan"), "postgresql://scanner@db/domainscan");
  EXPECT_EQ(without_password("postgresql:///domainscan?host=/run/postgresql"), "postgresql:///domainscan?host=/run/postgresql");
}

TEST(Redact, TextThatIsNoUrlButMayHoldAPasswordIsCutToItsScheme) {
  EXPECT_EQ(without_password("postgresql://us er:pa ss@db/x"), "postgresql:(redacted)");
  EXPECT_EQ(without_password("embedded"), "embedded");
}

}  // namespace
}  // namespace domainscan
