-- Marketer workspace: who published each version, the working copy of the rules, admin sessions,
-- the offer code each visitor was served, and offer redemptions.

ALTER TABLE rulesets ADD COLUMN published_by TEXT NOT NULL DEFAULT 'api';
ALTER TABLE rulesets ADD COLUMN note TEXT;

-- The rules as being edited, before they are published. One per site.
CREATE TABLE rule_workspaces (
  site_id TEXT PRIMARY KEY,
  rules TEXT NOT NULL,
  -- The published version this working copy started from.
  base_version INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  updated_by TEXT NOT NULL
);

-- Signed-in admin users. Only a hash of the session token is stored.
CREATE TABLE admin_sessions (
  token_hash TEXT PRIMARY KEY,
  site_id TEXT NOT NULL,
  user_name TEXT NOT NULL,
  csrf_token TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);

-- The code served with the offer (a unique code is the visitor's own), for the redemption check.
ALTER TABLE exposures ADD COLUMN offer_code TEXT;
CREATE INDEX exposures_by_code ON exposures (site_id, offer_code) WHERE offer_code IS NOT NULL;
CREATE INDEX exposures_by_visitor ON exposures (site_id, visitor_id);

-- A code used once by one holder: "visitor:<id>", or a customer's person id "c:<key>".
CREATE TABLE offer_redemptions (
  site_id TEXT NOT NULL,
  code TEXT NOT NULL,
  holder TEXT NOT NULL,
  rule_id TEXT NOT NULL,
  order_id TEXT,
  redeemed_at INTEGER NOT NULL,
  PRIMARY KEY (site_id, code, holder)
) WITHOUT ROWID;
