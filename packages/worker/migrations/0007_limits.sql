-- Limits: a daily quota of rows each site may store through its public key, so no site (or
-- anyone holding its public key, which is in every page) can fill the database all sites share.
-- What counts: events accepted by POST /v1/events and exposures recorded by decide. Writes made
-- with the secret key or a signed webhook (server orders, imports) are the shop's own and do not.

-- Rows per UTC day; NULL means the default (DEFAULT_DAILY_WRITE_QUOTA in src/limits/quota.ts).
-- Set by the operator with `pnpm stammis site quota`, never by the shop's own keys.
ALTER TABLE sites ADD COLUMN daily_write_quota INTEGER;

-- Rows stored per site and UTC day (YYYY-MM-DD), counted by the triggers below.
CREATE TABLE site_daily_writes (
  site_id TEXT NOT NULL,
  day TEXT NOT NULL,
  writes INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (site_id, day)
) WITHOUT ROWID;

-- Counted by triggers, in the same statement (so the same transaction) that stores the row: only
-- rows really inserted count, so a retried or duplicate event (INSERT OR IGNORE) never counts
-- twice, and a rejected batch, which stores nothing, counts nothing.
CREATE TRIGGER events_count_writes AFTER INSERT ON events
BEGIN
  INSERT INTO site_daily_writes (site_id, day, writes)
    VALUES (NEW.site_id, strftime('%Y-%m-%d', NEW.received_at / 1000, 'unixepoch'), 1)
    ON CONFLICT (site_id, day) DO UPDATE SET writes = writes + 1;
END;

-- An exposure is inserted once per (rule, visitor); later visits update it and do not count.
CREATE TRIGGER exposures_count_writes AFTER INSERT ON exposures
BEGIN
  INSERT INTO site_daily_writes (site_id, day, writes)
    VALUES (NEW.site_id, strftime('%Y-%m-%d', NEW.first_exposed_at / 1000, 'unixepoch'), 1)
    ON CONFLICT (site_id, day) DO UPDATE SET writes = writes + 1;
END;
