-- API keys (auth/api_key.hpp): only the SHA-256 of each key is kept, with a prefix people
-- recognise; a revoked key's row is deleted. Times are milliseconds since the epoch.
CREATE TABLE api_keys (
  name         TEXT    PRIMARY KEY,
  scope        TEXT    NOT NULL,
  prefix       TEXT    NOT NULL,
  hash         TEXT    NOT NULL UNIQUE,
  created_at   INTEGER NOT NULL,
  last_used_at INTEGER
);
