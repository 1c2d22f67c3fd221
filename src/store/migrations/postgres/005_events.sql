-- What completed scans changed (watch/scan_events.hpp): one row an event, stored in the
-- transaction that stores the scan, so each scan's events exist exactly once. seq orders
-- them and is the event's public id ("evt_<seq>") and the list cursor.
CREATE TABLE events (
  seq              BIGSERIAL   PRIMARY KEY,
  domain_id        BIGINT      NOT NULL REFERENCES domains (id) ON DELETE CASCADE,
  type             TEXT        NOT NULL,
  created_at       TIMESTAMPTZ NOT NULL,
  scan_id          BIGINT      REFERENCES scans (id) ON DELETE SET NULL,
  previous_scan_id BIGINT      REFERENCES scans (id) ON DELETE SET NULL,
  data             JSONB       NOT NULL
);
CREATE INDEX events_domain_newest ON events (domain_id, seq DESC);
CREATE INDEX events_type_newest ON events (type, seq DESC);

-- Expiry alerts already sent: one per domain, kind, what expires and threshold.
CREATE TABLE expiry_alerts (
  domain_id BIGINT  NOT NULL REFERENCES domains (id) ON DELETE CASCADE,
  kind      TEXT    NOT NULL,
  subject   TEXT    NOT NULL,
  threshold INTEGER NOT NULL,
  PRIMARY KEY (domain_id, kind, subject, threshold)
);
