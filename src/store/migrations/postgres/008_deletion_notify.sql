-- Every statement that deletes domains or scans notifies 'domainscan_deletions'. PostgreSQL
-- sends identical notifications of one transaction once, at commit, to every listening
-- connection: an api process (store/postgres/postgres_change_listener.cpp) then drops the
-- finished scans it keeps, whichever process deleted them. Only deletions: commits of
-- transactions that NOTIFY are serialised database-wide, which every scan's writes must not be.
CREATE OR REPLACE FUNCTION domainscan_notify_deletion() RETURNS trigger AS $$
BEGIN
  PERFORM pg_notify('domainscan_deletions', '');
  RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER domains_deleted AFTER DELETE OR TRUNCATE ON domains
  FOR EACH STATEMENT EXECUTE FUNCTION domainscan_notify_deletion();
CREATE TRIGGER scans_deleted AFTER DELETE OR TRUNCATE ON scans
  FOR EACH STATEMENT EXECUTE FUNCTION domainscan_notify_deletion();
