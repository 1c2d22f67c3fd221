-- Every statement that changes what the API shows (domains, schedules, scans) notifies
-- 'domainscan_changes'. PostgreSQL sends identical notifications of one transaction once, at
-- commit, to every listening connection: an api process (store/postgres/
-- postgres_change_listener.cpp) then knows that its cached answers may be out of date,
-- whichever process wrote.
CREATE OR REPLACE FUNCTION domainscan_notify_change() RETURNS trigger AS $$
BEGIN
  PERFORM pg_notify('domainscan_changes', '');
  RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER domains_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON domains
  FOR EACH STATEMENT EXECUTE FUNCTION domainscan_notify_change();
CREATE TRIGGER schedules_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON schedules
  FOR EACH STATEMENT EXECUTE FUNCTION domainscan_notify_change();
CREATE TRIGGER scans_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON scans
  FOR EACH STATEMENT EXECUTE FUNCTION domainscan_notify_change();
