-- The outbox: a scan row is written first and its request published after; published_at
-- records the broker's confirm. Queued scans without it are published again by the
-- sweeper (api/outbox_sweeper.cpp), so a broker that was down loses nothing.
ALTER TABLE scans ADD COLUMN published_at TIMESTAMPTZ;
CREATE INDEX scans_unpublished ON scans (queued_at) WHERE status = 'queued' AND published_at IS NULL;
