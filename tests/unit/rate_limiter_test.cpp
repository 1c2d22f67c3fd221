// Token buckets: the burst, the refill, the retry time, and the memory bound.
#include "api/rate_limiter.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace domainscan::api {
namespace {

using namespace std::chrono_literals;
const auto t0 = RateLimiter::Clock::time_point{} + 1h;

TEST(RateLimiter, ABurstThenTheRate) {
  RateLimiter limiter(RateLimit{5, 10});
  for (int i = 0; i < 10; ++i) EXPECT_TRUE(limiter.take("a", 1, t0).allowed) << i;
  const auto refused = limiter.take("a", 1, t0);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_after, 1s);
  EXPECT_EQ(refused.remaining, 0);
  EXPECT_EQ(refused.reset, 2s);  // 10 tokens at 5 a second
  // Another client has its own bucket.
  EXPECT_TRUE(limiter.take("b", 1, t0).allowed);
  // After 400 ms two tokens are back: two requests, not three.
  EXPECT_TRUE(limiter.take("a", 1, t0 + 400ms).allowed);
  EXPECT_TRUE(limiter.take("a", 1, t0 + 400ms).allowed);
  EXPECT_FALSE(limiter.take("a", 1, t0 + 400ms).allowed);
  // Never more than the burst, however long the wait.
  for (int i = 0; i < 10; ++i) EXPECT_TRUE(limiter.take("a", 1, t0 + 1h).allowed);
  EXPECT_FALSE(limiter.take("a", 1, t0 + 1h).allowed);
}

TEST(RateLimiter, ACostlyRequestWaitsForItsTokens) {
  RateLimiter limiter(RateLimit{1, 5});
  EXPECT_TRUE(limiter.take("a", 5, t0).allowed);
  const auto refused = limiter.take("a", 3, t0);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_after, 3s);
}

TEST(RateLimiter, MemoryIsBoundedWhateverTheNumberOfClients) {
  RateLimiter limiter(RateLimit{1, 1}, 1000);
  for (int i = 0; i < 100'000; ++i) limiter.take(fmt::format("10.{}.{}.{}", i >> 16, (i >> 8) & 255, i & 255), 1, t0);
  EXPECT_EQ(limiter.clients(), 1000u);
  // The most recent stay: the last client's bucket is still empty.
  EXPECT_FALSE(limiter.take(fmt::format("10.{}.{}.{}", 99'999 >> 16, (99'999 >> 8) & 255, 99'999 & 255), 1, t0).allowed);
}

TEST(RateLimiter, OffLetsEverythingThrough) {
  RateLimiter limiter(RateLimit{});
  for (int i = 0; i < 1000; ++i) EXPECT_TRUE(limiter.take("a", 1, t0).allowed);
  EXPECT_EQ(limiter.clients(), 0u);
}

}  // namespace
}  // namespace domainscan::api
