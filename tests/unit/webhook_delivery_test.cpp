// What a delivery attempt comes to, and when a failed one is tried again.
#include "watch/delivery_retry.hpp"
#include "watch/webhook_post.hpp"

#include <gtest/gtest.h>

namespace domainscan::watch {
namespace {

using namespace std::chrono_literals;

const TimePoint kCreated = TimePoint(std::chrono::milliseconds(1'800'000'000'000));

TEST(DeliveryRetry, FirstRetryWithinTenSecondsWithJitter) {
  const RetryPolicy policy;
  const auto early = next_attempt_at(policy, 1, kCreated, kCreated, 0.0);
  const auto late = next_attempt_at(policy, 1, kCreated, kCreated, 0.999);
  ASSERT_TRUE(early && late);
  EXPECT_EQ(*early - kCreated, 2500ms);
  EXPECT_GT(*late - kCreated, 7400ms);
  EXPECT_LE(*late - kCreated, 10s);
}

TEST(DeliveryRetry, GrowsExponentiallyUpToAnHour) {
  const RetryPolicy policy;
  std::chrono::milliseconds previous{0};
  for (int attempts = 1; attempts <= 8; ++attempts) {
    const auto next = next_attempt_at(policy, attempts, kCreated, kCreated, 0.5);
    ASSERT_TRUE(next);
    const auto delay = *next - kCreated;
    EXPECT_EQ(delay, policy.first_delay * (1 << (attempts - 1)));
    EXPECT_GT(delay, previous);
    previous = delay;
  }
  const auto capped = next_attempt_at(policy, 40, kCreated, kCreated, 0.5);
  ASSERT_TRUE(capped);
  EXPECT_EQ(*capped - kCreated, 1h);
}

TEST(DeliveryRetry, GivesUpADayAfterTheEventWithALastAttemptThen) {
  const RetryPolicy policy;
  const auto last = next_attempt_at(policy, 30, kCreated, kCreated + 23h + 50min, 0.5);
  ASSERT_TRUE(last);
  EXPECT_EQ(*last, kCreated + 24h);
  EXPECT_FALSE(next_attempt_at(policy, 31, kCreated, kCreated + 24h, 0.5));
}

store::DueDelivery due(int attempts) {
  store::DueDelivery d;
  d.id = 7;
  d.attempts = attempts;
  d.created_at = kCreated;
  return d;
}

TEST(JudgeAttempt, TwoHundredsAreDelivered) {
  const auto a = judge_attempt(due(0), PostOutcome{204, std::nullopt}, kCreated + 1s, RetryPolicy{}, 0.5);
  EXPECT_EQ(a.status, store::DeliveryStatus::delivered);
  EXPECT_EQ(a.delivery_id, 7);
  EXPECT_EQ(a.attempts_before, 0);
  EXPECT_EQ(a.status_code, 204);
  EXPECT_FALSE(a.disable_webhook);
}

TEST(JudgeAttempt, ErrorsAndOtherAnswersAreRetried) {
  const auto refused = judge_attempt(due(0), PostOutcome{std::nullopt, "connection refused"}, kCreated, RetryPolicy{}, 0.5);
  EXPECT_EQ(refused.status, store::DeliveryStatus::pending);
  ASSERT_TRUE(refused.next_attempt_at);
  EXPECT_EQ(*refused.next_attempt_at - kCreated, 5s);
  const auto server_error = judge_attempt(due(2), PostOutcome{500, "the receiver answered 500"}, kCreated, RetryPolicy{}, 0.5);
  EXPECT_EQ(server_error.status, store::DeliveryStatus::pending);
  EXPECT_EQ(*server_error.next_attempt_at - kCreated, 20s);
  EXPECT_EQ(server_error.status_code, 500);
  EXPECT_EQ(server_error.error, "the receiver answered 500");
}

TEST(JudgeAttempt, GoneDisablesTheWebhook) {
  const auto a = judge_attempt(due(0), PostOutcome{410, "the receiver answered 410"}, kCreated, RetryPolicy{}, 0.5);
  EXPECT_EQ(a.status, store::DeliveryStatus::failed);
  EXPECT_TRUE(a.disable_webhook);
}

TEST(JudgeAttempt, FailedWhenTheBackOffGivesUp) {
  const auto a = judge_attempt(due(30), PostOutcome{503, "the receiver answered 503"}, kCreated + 25h, RetryPolicy{}, 0.5);
  EXPECT_EQ(a.status, store::DeliveryStatus::failed);
  EXPECT_FALSE(a.disable_webhook);
}

}  // namespace
}  // namespace domainscan::watch
