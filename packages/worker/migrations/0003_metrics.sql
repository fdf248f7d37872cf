-- Measurement: the local day of each visit and order (in the site's time zone, computed by the
-- worker at write time), offer discounts, and daily rollups per segment kept by triggers, so
-- metrics read a few rows per day instead of scanning events, and every write path (browser
-- events, server imports) keeps them exact.

ALTER TABLE visits ADD COLUMN day TEXT;
-- 1 for visits the script tag saw; 0 for the synthetic visits that hold imported or server-only
-- orders. Traffic and segment metrics count tracked visits only; customer metrics count all orders.
ALTER TABLE visits ADD COLUMN tracked INTEGER NOT NULL DEFAULT 1;
ALTER TABLE orders ADD COLUMN day TEXT;
ALTER TABLE orders ADD COLUMN discount_micros INTEGER NOT NULL DEFAULT 0;
CREATE INDEX orders_by_time ON orders (site_id, placed_at);

-- Per local day and segment at the start of the visit: visits, visits with an order, and the
-- orders and revenue (site currency) of those visits.
CREATE TABLE daily_segment_stats (
  site_id TEXT NOT NULL,
  day TEXT NOT NULL,
  segment TEXT NOT NULL,
  visits INTEGER NOT NULL DEFAULT 0,
  converted_visits INTEGER NOT NULL DEFAULT 0,
  orders INTEGER NOT NULL DEFAULT 0,
  revenue_micros INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (site_id, day, segment)
) WITHOUT ROWID;

-- Who visited on a day in a segment: distinct visitors over a range are not a sum of days.
CREATE TABLE daily_segment_visitors (
  site_id TEXT NOT NULL,
  day TEXT NOT NULL,
  segment TEXT NOT NULL,
  visitor_id TEXT NOT NULL,
  PRIMARY KEY (site_id, day, segment, visitor_id)
) WITHOUT ROWID;

CREATE TRIGGER visits_rollup AFTER INSERT ON visits WHEN NEW.day IS NOT NULL AND NEW.tracked = 1
BEGIN
  INSERT INTO daily_segment_stats (site_id, day, segment, visits) VALUES (NEW.site_id, NEW.day, NEW.segment, 1)
    ON CONFLICT (site_id, day, segment) DO UPDATE SET visits = visits + 1;
  INSERT OR IGNORE INTO daily_segment_visitors (site_id, day, segment, visitor_id)
    VALUES (NEW.site_id, NEW.day, NEW.segment, NEW.visitor_id);
END;

CREATE TRIGGER visits_converted_rollup AFTER UPDATE OF has_purchase ON visits
  WHEN NEW.day IS NOT NULL AND NEW.tracked = 1 AND NEW.has_purchase = 1 AND OLD.has_purchase = 0
BEGIN
  UPDATE daily_segment_stats SET converted_visits = converted_visits + 1
    WHERE site_id = NEW.site_id AND day = NEW.day AND segment = NEW.segment;
END;

-- An order goes with its visit: the day and segment of the visit it was placed in.
CREATE TRIGGER orders_rollup AFTER INSERT ON orders
BEGIN
  UPDATE daily_segment_stats SET
    orders = orders + 1,
    revenue_micros = revenue_micros + CASE
      WHEN NEW.currency = (SELECT currency FROM sites WHERE id = NEW.site_id) THEN NEW.revenue_micros ELSE 0 END
  WHERE (site_id, day, segment) = (
    SELECT site_id, day, segment FROM visits
    WHERE site_id = NEW.site_id AND visitor_id = NEW.visitor_id AND visit_id = NEW.visit_id AND tracked = 1);
END;

CREATE INDEX exposures_by_time ON exposures (site_id, first_exposed_at);
-- Offer lift looks up each exposed visitor's orders in the 7 days after exposure.
CREATE INDEX orders_by_visitor_time ON orders (site_id, visitor_id, placed_at);
