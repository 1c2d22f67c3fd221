#pragma once
// The call budget of a rate-limited external API (VirusTotal's public API allows 4 calls a
// minute and 500 a day). The state is kept where every worker sees it (the database, or
// memory for a one-shot scan); this file holds only the rule, so both keepers decide alike.
//
// Calls are spaced evenly (60 s / per_minute apart), so no minute ever holds more than
// per_minute calls however they are timed; a caller reserves the next free slot and waits
// for it, unless that is further away than it can wait. The day is the UTC day.
#include "core/clock.hpp"

#include <chrono>
#include <cstdint>
#include <string>

namespace domainscan {

struct ApiBudgetPolicy {
  int per_minute = 4;
  int per_day = 500;
  std::chrono::milliseconds max_wait{0};  // the longest a caller waits for its slot
};

struct ApiBudgetState {
  TimePoint next_call_at{};   // the earliest the next call may be made
  std::int64_t day = 0;       // the UTC day (days since 1970-01-01) day_count counts
  int day_count = 0;
  TimePoint backoff_until{};  // the API said "too many requests": nobody calls before this
};

enum class ApiCallVerdict {
  granted,       // call at `at` (now or a little later)
  rate_limited,  // the next free slot (`at`) is further away than the caller can wait
  quota_spent,   // the day's budget is spent; it renews at `at`
  backing_off,   // the API asked for a pause until `at`
};

struct ApiCallDecision {
  ApiCallVerdict verdict = ApiCallVerdict::granted;
  TimePoint at{};
};

// Decides one caller's request at `now` and, if granted, updates `state` (the slot and the
// day's count are taken). Pure: the keeper reads the state, calls this and writes the state
// back in one transaction.
ApiCallDecision decide_api_call(ApiBudgetState& state, TimePoint now, const ApiBudgetPolicy& policy);

const char* to_string(ApiCallVerdict verdict);

// An answer of the API kept for reuse (per key, e.g. a domain name).
struct ApiAnswer {
  TimePoint fetched_at{};
  std::string body;
};

}  // namespace domainscan
