// The call-budget rule every keeper of a rate-limited API's budget applies.
#include "core/api_budget.hpp"

#include <gtest/gtest.h>

namespace domainscan {
namespace {

using namespace std::chrono_literals;

// 2026-11-25 10:00:00 UTC
const TimePoint kMorning = TimePoint(std::chrono::sys_days(std::chrono::year{2026} / 11 / 25).time_since_epoch() + 10h);

TEST(ApiBudget, CallsAreSpacedSoNoMinuteHoldsMoreThanTheRate) {
  ApiBudgetState state;
  const ApiBudgetPolicy policy{4, 500, 90s};
  std::vector<TimePoint> slots;
  for (int i = 0; i < 6; ++i) {
    const auto d = decide_api_call(state, kMorning, policy);
    ASSERT_EQ(d.verdict, ApiCallVerdict::granted) << i;
    slots.push_back(d.at);
  }
  // Six callers at the same instant get slots 15 s apart: 0, 15, 30, 45, 60, 75 s.
  for (std::size_t i = 0; i < slots.size(); ++i) EXPECT_EQ(slots[i], kMorning + 15s * static_cast<int>(i));
  EXPECT_EQ(state.day_count, 6);
}

TEST(ApiBudget, ASlotFurtherThanTheCallerCanWaitIsNotTaken) {
  ApiBudgetState state;
  const ApiBudgetPolicy policy{4, 500, 20s};
  EXPECT_EQ(decide_api_call(state, kMorning, policy).verdict, ApiCallVerdict::granted);        // now
  EXPECT_EQ(decide_api_call(state, kMorning, policy).verdict, ApiCallVerdict::granted);        // +15 s
  const auto third = decide_api_call(state, kMorning, policy);                                  // +30 s > 20 s
  EXPECT_EQ(third.verdict, ApiCallVerdict::rate_limited);
  EXPECT_EQ(third.at, kMorning + 30s);
  EXPECT_EQ(state.day_count, 2);  // the refused caller took nothing
  EXPECT_EQ(state.next_call_at, kMorning + 30s);
  // Later, the slot is free again.
  EXPECT_EQ(decide_api_call(state, kMorning + 31s, policy).verdict, ApiCallVerdict::granted);
}

TEST(ApiBudget, TheDailyBudgetIsSpentThenRenewsAtUtcMidnight) {
  ApiBudgetState state;
  const ApiBudgetPolicy policy{600, 3, 60s};
  for (int i = 0; i < 3; ++i) EXPECT_EQ(decide_api_call(state, kMorning + i * 1s, policy).verdict, ApiCallVerdict::granted);
  const auto spent = decide_api_call(state, kMorning + 5s, policy);
  EXPECT_EQ(spent.verdict, ApiCallVerdict::quota_spent);
  EXPECT_EQ(spent.at, kMorning + 14h);  // 2026-11-26 00:00 UTC
  EXPECT_EQ(decide_api_call(state, kMorning + 13h + 59min, policy).verdict, ApiCallVerdict::quota_spent);
  EXPECT_EQ(decide_api_call(state, kMorning + 14h, policy).verdict, ApiCallVerdict::granted);
  EXPECT_EQ(state.day_count, 1);
}

TEST(ApiBudget, ABackOffStopsEveryCallUntilItEnds) {
  ApiBudgetState state;
  state.backoff_until = kMorning + 60s;
  const ApiBudgetPolicy policy{4, 500, 60s};
  const auto d = decide_api_call(state, kMorning, policy);
  EXPECT_EQ(d.verdict, ApiCallVerdict::backing_off);
  EXPECT_EQ(d.at, kMorning + 60s);
  EXPECT_EQ(state.day_count, 0);
  EXPECT_EQ(decide_api_call(state, kMorning + 60s, policy).verdict, ApiCallVerdict::granted);
}

TEST(ApiBudget, AZeroDailyBudgetGrantsNothing) {
  ApiBudgetState state;
  EXPECT_EQ(decide_api_call(state, kMorning, ApiBudgetPolicy{4, 0, 60s}).verdict, ApiCallVerdict::quota_spent);
}

}  // namespace
}  // namespace domainscan
