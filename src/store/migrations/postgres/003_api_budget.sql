-- A rate-limited external API's call budget, shared by every worker (core/api_budget.hpp),
-- and its answers kept for reuse (the reputation check's per-domain cache). Times are
-- milliseconds since the epoch: the budget is arithmetic on them.
CREATE TABLE api_budgets (
  api TEXT PRIMARY KEY,
  next_call_at_ms BIGINT NOT NULL,
  day BIGINT NOT NULL,
  day_count INTEGER NOT NULL,
  backoff_until_ms BIGINT NOT NULL
);
CREATE TABLE api_answers (
  api TEXT NOT NULL,
  key TEXT NOT NULL,
  fetched_at_ms BIGINT NOT NULL,
  body TEXT NOT NULL,
  PRIMARY KEY (api, key)
);
CREATE INDEX api_answers_age ON api_answers (api, fetched_at_ms);
