-- A worker claims a scan for a while (the lease): claimed_by says which process, and until
-- claimed_until no other worker claims it again, however often its request is delivered.
-- Once the lease has run out (the worker died), the outbox sweeper publishes the scan
-- again. swept_at: when a sweeper last took the row to publish it, so that the api and
-- scheduler processes sweeping the same table do not all publish it. Both instants are
-- milliseconds since the epoch, as deliveries.locked_until.
ALTER TABLE scans ADD COLUMN claimed_by TEXT;
ALTER TABLE scans ADD COLUMN claimed_until INTEGER;
ALTER TABLE scans ADD COLUMN swept_at INTEGER;
