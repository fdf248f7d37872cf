-- Lifecycle moments sent to the shop's email tool (src/moments/).
--
-- 1. moment_destinations: where a site's moments go (an https URL, which moments, a signing secret
--    of its own). Deleting a destination marks it deleted: its delivery log keeps naming it.
-- 2. moment_deliveries: the delivery log, one row per moment per destination. The idempotency key
--    (site, destination, moment type, customer, occurrence) is unique: a second send of the same
--    moment to the same destination finds the row and is a no-op. The queue consumer updates the
--    status (pending → delivered, or failed after an attempt that will be retried, or dead).
-- 3. moment_dead_letters: a delivery whose retries are used up, with its last error; resending it
--    from the admin removes its dead letter.

CREATE TABLE moment_destinations (
  id TEXT PRIMARY KEY,
  site_id TEXT NOT NULL REFERENCES sites (id),
  url TEXT NOT NULL,
  -- JSON array of moment types, e.g. ["customer.lapsed","customer.won_back"].
  moments TEXT NOT NULL,
  -- Signs every delivery (HMAC-SHA256, as the inbound webhook); shown once, when created.
  secret TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  deleted_at INTEGER
);
CREATE INDEX moment_destinations_by_site ON moment_destinations (site_id) WHERE deleted_at IS NULL;

CREATE TABLE moment_deliveries (
  id TEXT PRIMARY KEY,
  site_id TEXT NOT NULL REFERENCES sites (id),
  destination_id TEXT NOT NULL REFERENCES moment_destinations (id),
  idempotency_key TEXT NOT NULL UNIQUE,
  moment_type TEXT NOT NULL,
  customer_id TEXT NOT NULL,
  occurrence TEXT NOT NULL,
  -- The JSON body sent (signed at each attempt with a fresh timestamp).
  payload TEXT NOT NULL,
  -- pending | delivered | failed | dead
  status TEXT NOT NULL DEFAULT 'pending',
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  delivered_at INTEGER
);
CREATE INDEX moment_deliveries_by_site ON moment_deliveries (site_id, created_at);
-- Pending deliveries whose queue message was lost: the daily scan sends them again.
CREATE INDEX moment_deliveries_pending ON moment_deliveries (created_at) WHERE status = 'pending';

CREATE TABLE moment_dead_letters (
  delivery_id TEXT PRIMARY KEY REFERENCES moment_deliveries (id),
  site_id TEXT NOT NULL REFERENCES sites (id),
  attempts INTEGER NOT NULL,
  last_error TEXT,
  failed_at INTEGER NOT NULL
);
CREATE INDEX moment_dead_letters_by_site ON moment_dead_letters (site_id, failed_at);
