-- Trust boundary: key rotation, the marketer-HTML setting, and indexes for the retention purge.
-- Forward-only: never edit a landed migration, add a new one.

-- Public-key rotation: the replaced key keeps working until `previous_public_key_expires_at`
-- (epoch ms), so pages cached with the old script tag keep working through the grace period.
-- One previous key at a time; a partial unique index keeps the lookup by it one index probe.
ALTER TABLE sites ADD COLUMN previous_public_key TEXT;
ALTER TABLE sites ADD COLUMN previous_public_key_expires_at INTEGER;
CREATE UNIQUE INDEX sites_by_previous_public_key ON sites (previous_public_key) WHERE previous_public_key IS NOT NULL;

-- Marketer HTML: 0 (the default) serves html content sanitized to an allowlist; 1 serves it as
-- saved, scripts and event handlers included (PATCH /v1/admin/site {"allowScripts": true}).
ALTER TABLE sites ADD COLUMN allow_scripts INTEGER NOT NULL DEFAULT 0;

-- Secret-key rotation ends every session of the site; the daily purge drops expired sessions.
CREATE INDEX admin_sessions_by_site ON admin_sessions (site_id);
CREATE INDEX admin_sessions_by_expiry ON admin_sessions (expires_at);

-- The daily purge: visits whose URL or referrer is still stored, by start time (rows leave this
-- partial index once purged), and exposures by when they were last served.
CREATE INDEX visits_with_urls_by_start ON visits (site_id, started_at) WHERE url IS NOT NULL OR referrer IS NOT NULL;
CREATE INDEX exposures_by_last_exposed ON exposures (site_id, last_exposed_at);
