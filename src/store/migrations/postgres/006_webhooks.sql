-- Webhooks (watch/webhook_deliverer.hpp): subscriptions, and one delivery row per event a
-- subscription matches, created in the transaction that stores the event. The rows are the
-- queue: a delivery survives restarts and is retried until delivered or given up.
CREATE TABLE webhooks (
  id              BIGSERIAL   PRIMARY KEY,
  url             TEXT        NOT NULL,
  secret          TEXT        NOT NULL,
  created_at      TIMESTAMPTZ NOT NULL,
  disabled_at     TIMESTAMPTZ,
  disabled_reason TEXT
);
-- The event types a webhook wants ('*': all of them).
CREATE TABLE webhook_events (
  webhook_id BIGINT NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
  type       TEXT   NOT NULL,
  PRIMARY KEY (webhook_id, type)
);
-- The domains a webhook is about; none: every domain. Names, so that a filter may name a
-- domain added later.
CREATE TABLE webhook_domains (
  webhook_id BIGINT NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
  domain     TEXT   NOT NULL,
  PRIMARY KEY (webhook_id, domain)
);
CREATE TABLE deliveries (
  id               BIGSERIAL   PRIMARY KEY,
  webhook_id       BIGINT      NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
  event_seq        BIGINT      NOT NULL REFERENCES events (seq) ON DELETE CASCADE,
  status           TEXT        NOT NULL DEFAULT 'pending',  -- pending, delivered, failed
  attempts         INTEGER     NOT NULL DEFAULT 0,
  created_at       TIMESTAMPTZ NOT NULL,
  next_attempt_at  TIMESTAMPTZ,            -- pending: when it is due
  locked_until     TIMESTAMPTZ,            -- a deliverer holds it until then (its lease)
  last_attempt_at  TIMESTAMPTZ,
  last_status_code INTEGER,
  last_error       TEXT,
  delivered_at     TIMESTAMPTZ,
  UNIQUE (webhook_id, event_seq)
);
CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX deliveries_of_webhook ON deliveries (webhook_id, id DESC);
