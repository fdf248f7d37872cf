-- Privacy: how long raw events are kept, an index so the daily purge reads only what it deletes,
-- and per-day counts of the requests filtered as bots (stored nowhere else).

-- Days after which raw events are deleted by the scheduled purge; NULL keeps them forever.
-- Existing and new sites start at 395 days (13 months: a full year to compare with, plus slack).
ALTER TABLE sites ADD COLUMN retention_days INTEGER DEFAULT 395;

CREATE INDEX events_by_received ON events (site_id, received_at);

-- Requests from bots, per site and local day: they are answered but store nothing else.
-- `events`: filtered POST /v1/events batches; `decides`: filtered POST /v1/decide calls.
CREATE TABLE bot_requests (
  site_id TEXT NOT NULL,
  day TEXT NOT NULL,
  events INTEGER NOT NULL DEFAULT 0,
  decides INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (site_id, day)
) WITHOUT ROWID;
