#include "core/api_budget.hpp"

#include <algorithm>

namespace domainscan {

namespace {

std::int64_t utc_day(TimePoint t) { return std::chrono::floor<std::chrono::days>(t).time_since_epoch().count(); }

}  // namespace

ApiCallDecision decide_api_call(ApiBudgetState& state, TimePoint now, const ApiBudgetPolicy& policy) {
  if (state.backoff_until > now) return {ApiCallVerdict::backing_off, state.backoff_until};

  const auto today = utc_day(now);
  if (state.day != today) {
    state.day = today;
    state.day_count = 0;
  }
  if (state.day_count >= policy.per_day) {
    return {ApiCallVerdict::quota_spent, TimePoint(std::chrono::days(today + 1))};
  }

  const auto slot = std::max(now, state.next_call_at);
  if (slot - now > policy.max_wait) return {ApiCallVerdict::rate_limited, slot};

  const auto spacing = std::chrono::milliseconds(60'000) / std::max(policy.per_minute, 1);
  state.next_call_at = slot + spacing;
  ++state.day_count;
  return {ApiCallVerdict::granted, slot};
}

const char* to_string(ApiCallVerdict verdict) {
  switch (verdict) {
    case ApiCallVerdict::granted: return "granted";
    case ApiCallVerdict::rate_limited: return "rate_limited";
    case ApiCallVerdict::quota_spent: return "quota_spent";
    case ApiCallVerdict::backing_off: return "backing_off";
  }
  return "unknown";
}

}  // namespace domainscan
