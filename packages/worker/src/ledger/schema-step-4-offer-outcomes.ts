/** Milliseconds in the week after a first exposure in which an order counts for its offer arm. */
export const OFFER_OUTCOME_WEEK_MS = 7 * 86_400_000

const WEEK = OFFER_OUTCOME_WEEK_MS
const SITE_CURRENCY = "(SELECT value FROM ledger_meta WHERE key = 'currency')"

/** An order's revenue or discount when it is in the site's currency, else 0 (`row`: NEW or OLD). */
const inSiteCurrency = (row: string, column: string) =>
  `CASE WHEN ${row}.currency = ${SITE_CURRENCY} THEN ${row}.${column} ELSE 0 END`

/** The exposures whose week after the first exposure holds an order placed at `row`.placed_at. */
const exposuresOfOrder = (row: string) =>
  `visitor_id = ${row}.visitor_id AND first_exposed_at <= ${row}.placed_at AND first_exposed_at > ${row}.placed_at - ${WEEK}`

/** The visitor's orders in the week after an exposure's first exposure (`row`: NEW or exposures). */
const ordersOfExposure = (row: string) =>
  `visitor_id = ${row}.visitor_id AND placed_at >= ${row}.first_exposed_at AND placed_at < ${row}.first_exposed_at + ${WEEK}`

const WEEK_OUTCOME = (row: string) =>
  `(SELECT count(*), total(CASE WHEN currency = ${SITE_CURRENCY} THEN revenue_micros ELSE 0 END),
      total(CASE WHEN currency = ${SITE_CURRENCY} THEN discount_micros ELSE 0 END)
    FROM orders INDEXED BY orders_by_visitor WHERE ${ordersOfExposure(row)})`

/**
 * Sets every exposure's outcome from its visitor's orders: this step's fill of existing rows, and
 * the rebuild's (rebuild.ts) after rows arrived in bulk.
 */
export const EXPOSURE_OUTCOMES_FROM_ORDERS = `UPDATE exposures
  SET (week_orders, week_revenue_micros, week_discount_micros) = ${WEEK_OUTCOME('exposures')}`

/**
 * Schema step 4 (issue 10, metrics cost): each exposure carries its outcome, the orders its
 * visitor placed in the week after the first exposure and their revenue and discounts in the
 * site's currency, kept by triggers as orders arrive, move or go. The offer-lift report then reads
 * one index over the range's exposures (`exposures_by_time_with_outcome` covers it) instead of
 * looking up every exposed visitor's orders: at 1,000,000 visitors that lookup was most of a
 * 30-day report's time. Existing exposures get their outcome from their orders in this step.
 */
export const STEP_4_OFFER_OUTCOMES = `
ALTER TABLE exposures ADD COLUMN week_orders INTEGER NOT NULL DEFAULT 0;
ALTER TABLE exposures ADD COLUMN week_revenue_micros REAL NOT NULL DEFAULT 0;
ALTER TABLE exposures ADD COLUMN week_discount_micros REAL NOT NULL DEFAULT 0;
DROP INDEX IF EXISTS exposures_by_time;
CREATE INDEX exposures_by_time_with_outcome ON exposures
  (first_exposed_at, rule_id, variant, week_orders, week_revenue_micros, week_discount_micros);
${EXPOSURE_OUTCOMES_FROM_ORDERS};

-- A new exposure of a visitor with orders already in its week (a server order dated ahead of
-- the worker's clock, rows copied in bulk): its outcome from them. Live exposures have none.
CREATE TRIGGER exposures_outcome_added AFTER INSERT ON exposures
  WHEN EXISTS (SELECT 1 FROM orders INDEXED BY orders_by_visitor WHERE ${ordersOfExposure('NEW')})
BEGIN
  UPDATE exposures SET (week_orders, week_revenue_micros, week_discount_micros) = ${WEEK_OUTCOME('NEW')}
    WHERE rule_id = NEW.rule_id AND visitor_id = NEW.visitor_id;
END;

CREATE TRIGGER orders_outcome_added AFTER INSERT ON orders
BEGIN
  UPDATE exposures SET week_orders = week_orders + 1,
    week_revenue_micros = week_revenue_micros + ${inSiteCurrency('NEW', 'revenue_micros')},
    week_discount_micros = week_discount_micros + ${inSiteCurrency('NEW', 'discount_micros')}
  WHERE ${exposuresOfOrder('NEW')};
END;

CREATE TRIGGER orders_outcome_removed AFTER DELETE ON orders
BEGIN
  UPDATE exposures SET week_orders = week_orders - 1,
    week_revenue_micros = week_revenue_micros - ${inSiteCurrency('OLD', 'revenue_micros')},
    week_discount_micros = week_discount_micros - ${inSiteCurrency('OLD', 'discount_micros')}
  WHERE ${exposuresOfOrder('OLD')};
END;

-- A server correction may move an order to another visitor or change its amounts.
CREATE TRIGGER orders_outcome_changed AFTER UPDATE OF visitor_id, placed_at, revenue_micros, discount_micros, currency ON orders
  WHEN OLD.visitor_id IS NOT NEW.visitor_id OR OLD.placed_at IS NOT NEW.placed_at
    OR OLD.revenue_micros IS NOT NEW.revenue_micros OR OLD.discount_micros IS NOT NEW.discount_micros
    OR OLD.currency IS NOT NEW.currency
BEGIN
  UPDATE exposures SET week_orders = week_orders - 1,
    week_revenue_micros = week_revenue_micros - ${inSiteCurrency('OLD', 'revenue_micros')},
    week_discount_micros = week_discount_micros - ${inSiteCurrency('OLD', 'discount_micros')}
  WHERE ${exposuresOfOrder('OLD')};
  UPDATE exposures SET week_orders = week_orders + 1,
    week_revenue_micros = week_revenue_micros + ${inSiteCurrency('NEW', 'revenue_micros')},
    week_discount_micros = week_discount_micros + ${inSiteCurrency('NEW', 'discount_micros')}
  WHERE ${exposuresOfOrder('NEW')};
END;
`
