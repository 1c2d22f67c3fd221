// Standard Webhooks signatures: the specification's own example, secrets, base64.
#include "watch/webhook_signature.hpp"

#include "core/base64.hpp"

#include <gtest/gtest.h>

namespace domainscan::watch {
namespace {

TEST(WebhookSignature, MatchesTheStandardWebhooksExample) {
  // The example of the Standard Webhooks specification and its reference libraries.
  EXPECT_EQ(webhook_signature("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330,
                              R"({"test": 2432232314})"),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
}

TEST(WebhookSignature, ChangesWithEveryPartOfTheMessage) {
  const auto secret = new_webhook_secret();
  const auto base = webhook_signature(secret, "evt_1", 100, "{}");
  EXPECT_NE(webhook_signature(secret, "evt_2", 100, "{}"), base);
  EXPECT_NE(webhook_signature(secret, "evt_1", 101, "{}"), base);
  EXPECT_NE(webhook_signature(secret, "evt_1", 100, "{ }"), base);
  EXPECT_NE(webhook_signature(new_webhook_secret(), "evt_1", 100, "{}"), base);
  EXPECT_EQ(webhook_signature(secret, "evt_1", 100, "{}"), base);
}

TEST(WebhookSignature, SecretsAreWhsecAndThirtyTwoRandomBytes) {
  const auto a = new_webhook_secret();
  const auto b = new_webhook_secret();
  EXPECT_NE(a, b);
  ASSERT_TRUE(a.starts_with("whsec_"));
  const auto key = base64_decode(a.substr(6));
  ASSERT_TRUE(key);
  EXPECT_EQ(key->size(), kSecretBytes);
}

TEST(WebhookSignature, RefusesSecretsThatAreNotWhsecBase64) {
  EXPECT_THROW(webhook_signature("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "m", 1, "{}"), std::invalid_argument);
  EXPECT_THROW(webhook_signature("whsec_not base64!", "m", 1, "{}"), std::invalid_argument);
  EXPECT_THROW(webhook_signature("whsec_", "m", 1, "{}"), std::invalid_argument);
}

}  // namespace
}  // namespace domainscan::watch

namespace domainscan {
namespace {

TEST(Base64, RoundTripsEveryPaddingLength) {
  for (const std::string& s : std::vector<std::string>{"", "a", "ab", "abc", "abcd", std::string("\0\xff\x10", 3)}) {
    const auto decoded = base64_decode(base64_encode(s));
    ASSERT_TRUE(decoded) << s;
    EXPECT_EQ(*decoded, s);
  }
  EXPECT_EQ(base64_encode("ab"), "YWI=");
  EXPECT_FALSE(base64_decode("YWI"));
  EXPECT_FALSE(base64_decode("Y*I="));
}

TEST(Base64, UrlSafeWithoutPadding) {
  EXPECT_EQ(base64url_encode(std::string("\xfb\xff\xbf", 3)), "-_-_");
  EXPECT_EQ(base64url_encode("ab"), "YWI");
}

}  // namespace
}  // namespace domainscan
