-- Stammis schema, version 1. Forward-only: never edit a landed migration, add a new one.
-- Times are epoch milliseconds (UTC). Money is stored in micro-units (1 USD = 1,000,000) so sums
-- are exact integers.

CREATE TABLE sites (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  public_key TEXT NOT NULL UNIQUE,
  -- SHA-256 (hex) of the secret key; the key itself is shown once at creation and never stored.
  secret_key_hash TEXT NOT NULL UNIQUE,
  -- Random per-site key for HMACs: unique offer codes and signed preview links.
  code_secret TEXT NOT NULL,
  -- JSON array of allowed browser origins, e.g. ["https://shop.example", "http://localhost:*"].
  allowed_origins TEXT NOT NULL DEFAULT '[]',
  currency TEXT NOT NULL DEFAULT 'USD',
  lapse_days INTEGER NOT NULL DEFAULT 90,
  time_zone TEXT NOT NULL DEFAULT 'UTC',
  created_at INTEGER NOT NULL
);

-- One row per visitor: counters derived from visits and orders, kept so decide reads one row.
CREATE TABLE visitors (
  site_id TEXT NOT NULL,
  visitor_id TEXT NOT NULL,
  first_seen_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL,
  visits INTEGER NOT NULL DEFAULT 0,
  orders INTEGER NOT NULL DEFAULT 0,
  -- Visits with at least one order, the current one included (decide subtracts it).
  purchase_visits INTEGER NOT NULL DEFAULT 0,
  revenue_micros INTEGER NOT NULL DEFAULT 0,
  last_purchase_at INTEGER,
  PRIMARY KEY (site_id, visitor_id)
) WITHOUT ROWID;

CREATE TABLE visits (
  site_id TEXT NOT NULL,
  visitor_id TEXT NOT NULL,
  visit_id TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  -- The visitor's segment when the visit began: metrics attribute the visit and its orders to it.
  segment TEXT NOT NULL,
  has_purchase INTEGER NOT NULL DEFAULT 0,
  url TEXT,
  referrer TEXT,
  PRIMARY KEY (site_id, visitor_id, visit_id)
) WITHOUT ROWID;

-- Every accepted event; the primary key is the dedupe key.
CREATE TABLE events (
  site_id TEXT NOT NULL,
  event_id TEXT NOT NULL,
  visitor_id TEXT NOT NULL,
  visit_id TEXT NOT NULL,
  type TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  data TEXT NOT NULL DEFAULT '{}',
  PRIMARY KEY (site_id, event_id)
) WITHOUT ROWID;
CREATE INDEX events_by_visitor ON events (site_id, visitor_id, visit_id);

-- One row per order; the primary key makes a re-sent order a duplicate.
CREATE TABLE orders (
  site_id TEXT NOT NULL,
  order_id TEXT NOT NULL,
  event_id TEXT,
  visitor_id TEXT NOT NULL,
  visit_id TEXT NOT NULL,
  revenue_micros INTEGER NOT NULL,
  currency TEXT NOT NULL,
  placed_at INTEGER NOT NULL,
  PRIMARY KEY (site_id, order_id)
) WITHOUT ROWID;
CREATE INDEX orders_by_visitor ON orders (site_id, visitor_id, visit_id);

-- Every published rule set; the newest version is live. Also written to KV for decide.
CREATE TABLE rulesets (
  site_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  rules TEXT NOT NULL,
  published_at INTEGER NOT NULL,
  PRIMARY KEY (site_id, version)
) WITHOUT ROWID;

-- Who was served which rule, and in which variant: the base for measuring lift.
CREATE TABLE exposures (
  site_id TEXT NOT NULL,
  rule_id TEXT NOT NULL,
  visitor_id TEXT NOT NULL,
  variant TEXT NOT NULL,
  ruleset_version INTEGER NOT NULL,
  first_exposed_at INTEGER NOT NULL,
  first_visit_id TEXT NOT NULL,
  last_exposed_at INTEGER NOT NULL,
  last_visit_id TEXT NOT NULL,
  -- Number of distinct visits in which the visitor was served this rule.
  visits_exposed INTEGER NOT NULL DEFAULT 1,
  PRIMARY KEY (site_id, rule_id, visitor_id)
) WITHOUT ROWID;
