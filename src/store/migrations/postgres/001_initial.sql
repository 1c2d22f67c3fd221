-- Domains, their schedules and their scans. A scan's full result is JSONB.
CREATE TABLE domains (
  id                   BIGSERIAL   PRIMARY KEY,
  name                 TEXT        NOT NULL UNIQUE,
  status               TEXT        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'ok', 'bad')),
  bad_reason           TEXT,
  consecutive_failures INTEGER     NOT NULL DEFAULT 0,
  created_at           TIMESTAMPTZ NOT NULL,
  updated_at           TIMESTAMPTZ NOT NULL
);
CREATE INDEX domains_status_name ON domains (status, name);

CREATE TABLE schedules (
  domain_id   BIGINT      PRIMARY KEY REFERENCES domains (id) ON DELETE CASCADE,
  cron        TEXT        NOT NULL,
  timezone    TEXT        NOT NULL,
  next_run_at TIMESTAMPTZ,
  updated_at  TIMESTAMPTZ NOT NULL
);
-- The scheduler's "what is due" query reads this index, never the whole table.
CREATE INDEX schedules_next_run_at ON schedules (next_run_at);

CREATE TABLE scans (
  id           BIGSERIAL   PRIMARY KEY,
  domain_id    BIGINT      NOT NULL REFERENCES domains (id) ON DELETE CASCADE,
  status       TEXT        NOT NULL CHECK (status IN ('queued', 'running', 'completed', 'failed')),
  triggered_by TEXT        NOT NULL CHECK (triggered_by IN ('api', 'rescan', 'schedule')),
  queued_at    TIMESTAMPTZ NOT NULL,
  started_at   TIMESTAMPTZ,
  finished_at  TIMESTAMPTZ,
  grade        TEXT,
  score        INTEGER,
  error        TEXT,
  result       JSONB
);
CREATE INDEX scans_domain_newest ON scans (domain_id, id DESC);
-- At most one queued scan per domain: a second request while one waits reuses it.
CREATE UNIQUE INDEX scans_one_queued_per_domain ON scans (domain_id) WHERE status = 'queued';
CREATE INDEX scans_unfinished ON scans (status, id) WHERE status IN ('queued', 'running');
