-- Server-verified purchases and order import. An order is "verified" when the shop's server
-- reported or confirmed it (admin API or signed webhook); imported history is verified. A site may
-- count browser-reported purchases for classification at once (the default) or only once verified.

ALTER TABLE orders ADD COLUMN verified INTEGER NOT NULL DEFAULT 0;
-- browser | server | import
ALTER TABLE orders ADD COLUMN source TEXT NOT NULL DEFAULT 'browser';
ALTER TABLE visits ADD COLUMN has_verified_purchase INTEGER NOT NULL DEFAULT 0;
ALTER TABLE visitors ADD COLUMN verified_purchase_visits INTEGER NOT NULL DEFAULT 0;

ALTER TABLE sites ADD COLUMN trust_browser_purchases INTEGER NOT NULL DEFAULT 1;
-- Signs the order webhook (HMAC-SHA256). Set with POST /v1/admin/site/webhook-secret.
ALTER TABLE sites ADD COLUMN webhook_secret TEXT;

-- Signatures of webhook deliveries already accepted, to refuse replays within the 5-minute window.
CREATE TABLE webhook_deliveries (
  site_id TEXT NOT NULL,
  signature TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  PRIMARY KEY (site_id, signature)
) WITHOUT ROWID;
