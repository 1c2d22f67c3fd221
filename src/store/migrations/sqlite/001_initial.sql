-- Domains, their schedules and their scans. Times are RFC 3339 UTC text (fixed width, so
-- they sort); a scan's full result is JSON text.
CREATE TABLE domains (
  id                   INTEGER PRIMARY KEY,
  name                 TEXT    NOT NULL UNIQUE,
  status               TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'ok', 'bad')),
  bad_reason           TEXT,
  consecutive_failures INTEGER NOT NULL DEFAULT 0,
  created_at           TEXT    NOT NULL,
  updated_at           TEXT    NOT NULL
);
CREATE INDEX domains_status_name ON domains (status, name);

CREATE TABLE schedules (
  domain_id   INTEGER PRIMARY KEY REFERENCES domains (id) ON DELETE CASCADE,
  cron        TEXT NOT NULL,
  timezone    TEXT NOT NULL,
  next_run_at TEXT,
  updated_at  TEXT NOT NULL
);
-- The scheduler's "what is due" query reads this index, never the whole table.
CREATE INDEX schedules_next_run_at ON schedules (next_run_at);

CREATE TABLE scans (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  domain_id    INTEGER NOT NULL REFERENCES domains (id) ON DELETE CASCADE,
  status       TEXT    NOT NULL CHECK (status IN ('queued', 'running', 'completed', 'failed')),
  triggered_by TEXT    NOT NULL CHECK (triggered_by IN ('api', 'rescan', 'schedule')),
  queued_at    TEXT    NOT NULL,
  started_at   TEXT,
  finished_at  TEXT,
  grade        TEXT,
  score        INTEGER,
  error        TEXT,
  result       TEXT
);
CREATE INDEX scans_domain_newest ON scans (domain_id, id DESC);
-- At most one queued scan per domain: a second request while one waits reuses it.
CREATE UNIQUE INDEX scans_one_queued_per_domain ON scans (domain_id) WHERE status = 'queued';
CREATE INDEX scans_unfinished ON scans (status, id) WHERE status IN ('queued', 'running');
