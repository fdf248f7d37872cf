-- Verified identity, the server's word on orders, and namespaced customer keys.
--
-- 1. Sites get an identity secret: the shop's server signs customer ids with it (HMAC-SHA256), and
--    only a signed identify merges a browser into a customer's history.
-- 2. Visitors carry the person's counters from verified orders alone (orders, revenue, last
--    purchase), next to `verified_purchase_visits`: rules whose offer requires verified purchases
--    (every coded offer by default) match on all of them, so none can be faked from a browser.
-- 3. Orders remember when the shop's server corrected a browser-reported order (`corrected_at`):
--    the dashboard shows how many.
-- 4. Raw customer ids were stored as given and emails as `h_<32 hex>`, so a raw id shaped like a
--    hash could collide with an email's. Raw ids now live under `id:`; existing keys are rewritten.
--    A raw id that already had exactly the `h_<32 hex>` shape cannot be told apart and stays as is.
-- 5. Triggers keep the daily rollups exact when an order moves to another visit or its revenue or
--    currency changes, and when a visit loses its last counted purchase.

ALTER TABLE sites ADD COLUMN identity_secret TEXT;

ALTER TABLE visitors ADD COLUMN verified_orders INTEGER NOT NULL DEFAULT 0;
ALTER TABLE visitors ADD COLUMN verified_revenue_micros INTEGER NOT NULL DEFAULT 0;
ALTER TABLE visitors ADD COLUMN verified_last_purchase_at INTEGER;

ALTER TABLE orders ADD COLUMN corrected_at INTEGER;
CREATE INDEX orders_corrected ON orders (site_id, placed_at) WHERE corrected_at IS NOT NULL;

-- 4. Namespacing. A key is raw unless it is an email hash: `h_` and 32 lowercase hex digits.
-- Keys in primary keys move in two steps (through a \x01 prefix no id can start with), so a raw
-- id "x" becoming "id:x" can never meet a raw id that was literally "id:x" mid-update.
UPDATE visitors SET visitor_id = char(1) || 'c:id:' || substr(visitor_id, 3)
  WHERE substr(visitor_id, 1, 2) = 'c:'
    AND NOT (substr(visitor_id, 3, 2) = 'h_' AND length(visitor_id) = 36 AND substr(visitor_id, 5) NOT GLOB '*[^0-9a-f]*');
UPDATE visitors SET visitor_id = substr(visitor_id, 2) WHERE substr(visitor_id, 1, 1) = char(1);
UPDATE visitors SET person_id = 'c:id:' || substr(person_id, 3)
  WHERE substr(person_id, 1, 2) = 'c:'
    AND NOT (substr(person_id, 3, 2) = 'h_' AND length(person_id) = 36 AND substr(person_id, 5) NOT GLOB '*[^0-9a-f]*');

UPDATE visits SET visitor_id = char(1) || 'c:id:' || substr(visitor_id, 3)
  WHERE substr(visitor_id, 1, 2) = 'c:'
    AND NOT (substr(visitor_id, 3, 2) = 'h_' AND length(visitor_id) = 36 AND substr(visitor_id, 5) NOT GLOB '*[^0-9a-f]*');
UPDATE visits SET visitor_id = substr(visitor_id, 2) WHERE substr(visitor_id, 1, 1) = char(1);

UPDATE orders SET visitor_id = 'c:id:' || substr(visitor_id, 3)
  WHERE substr(visitor_id, 1, 2) = 'c:'
    AND NOT (substr(visitor_id, 3, 2) = 'h_' AND length(visitor_id) = 36 AND substr(visitor_id, 5) NOT GLOB '*[^0-9a-f]*');

UPDATE offer_redemptions SET holder = char(1) || 'c:id:' || substr(holder, 3)
  WHERE substr(holder, 1, 2) = 'c:'
    AND NOT (substr(holder, 3, 2) = 'h_' AND length(holder) = 36 AND substr(holder, 5) NOT GLOB '*[^0-9a-f]*');
UPDATE offer_redemptions SET holder = substr(holder, 2) WHERE substr(holder, 1, 1) = char(1);

-- The identify events' record of who signed in (`data.customerKey`), in the same format.
UPDATE events SET data = json_set(data, '$.customerKey', 'id:' || json_extract(data, '$.customerKey'))
  WHERE type = 'identify' AND json_extract(data, '$.customerKey') IS NOT NULL
    AND NOT (substr(json_extract(data, '$.customerKey'), 1, 2) = 'h_' AND length(json_extract(data, '$.customerKey')) = 34
      AND substr(json_extract(data, '$.customerKey'), 3) NOT GLOB '*[^0-9a-f]*');

-- 2. The verified counters of every person with a verified purchase (everyone else has none).
UPDATE visitors SET (verified_orders, verified_revenue_micros, verified_last_purchase_at) = (
    SELECT count(*),
      coalesce(sum(CASE WHEN o.currency = (SELECT currency FROM sites WHERE id = visitors.site_id) THEN o.revenue_micros ELSE 0 END), 0),
      max(o.placed_at)
    FROM orders o
    WHERE o.site_id = visitors.site_id AND o.verified = 1
      AND o.visitor_id IN (SELECT m.visitor_id FROM visitors m WHERE m.site_id = visitors.site_id AND m.person_id = visitors.person_id))
  WHERE verified_purchase_visits > 0;

-- 5. Rollups. An order that moves (visit, revenue or currency) leaves the day and segment of its
-- old visit and joins those of its new one, exactly as the insert trigger of 0003 adds it.
CREATE TRIGGER orders_changed_rollup AFTER UPDATE OF visitor_id, visit_id, revenue_micros, currency ON orders
  WHEN OLD.visitor_id IS NOT NEW.visitor_id OR OLD.visit_id IS NOT NEW.visit_id
    OR OLD.revenue_micros IS NOT NEW.revenue_micros OR OLD.currency IS NOT NEW.currency
BEGIN
  UPDATE daily_segment_stats SET
    orders = orders - 1,
    revenue_micros = revenue_micros - CASE
      WHEN OLD.currency = (SELECT currency FROM sites WHERE id = OLD.site_id) THEN OLD.revenue_micros ELSE 0 END
  WHERE (site_id, day, segment) = (
    SELECT site_id, day, segment FROM visits
    WHERE site_id = OLD.site_id AND visitor_id = OLD.visitor_id AND visit_id = OLD.visit_id AND tracked = 1);
  UPDATE daily_segment_stats SET
    orders = orders + 1,
    revenue_micros = revenue_micros + CASE
      WHEN NEW.currency = (SELECT currency FROM sites WHERE id = NEW.site_id) THEN NEW.revenue_micros ELSE 0 END
  WHERE (site_id, day, segment) = (
    SELECT site_id, day, segment FROM visits
    WHERE site_id = NEW.site_id AND visitor_id = NEW.visitor_id AND visit_id = NEW.visit_id AND tracked = 1);
END;

-- The counterpart of 0003's visits_converted_rollup: a visit whose only counted order moved away.
CREATE TRIGGER visits_unconverted_rollup AFTER UPDATE OF has_purchase ON visits
  WHEN NEW.day IS NOT NULL AND NEW.tracked = 1 AND NEW.has_purchase = 0 AND OLD.has_purchase = 1
BEGIN
  UPDATE daily_segment_stats SET converted_visits = converted_visits - 1
    WHERE site_id = NEW.site_id AND day = NEW.day AND segment = NEW.segment;
END;
