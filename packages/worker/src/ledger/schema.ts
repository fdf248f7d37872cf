import { STEP_2_PREDICTIONS } from './schema-step-2-predictions'

/**
 * The ledger's schema: forward-only steps, applied in order on an object's first use (inside
 * `blockConcurrencyWhile`, each step in its own transaction), the version kept in `ledger_meta`.
 * Never edit a step that has landed: add one. No table carries a site id (one object holds one
 * site); rows that a later split by person would move carry the person (`person_id`) or reach it
 * through their visitor (see ARCHITECTURE.md, "The ledger").
 *
 * Times are epoch milliseconds (UTC); money is integer micro-units (1.00 = 1,000,000), summed as
 * doubles (`total()`, REAL columns) so no sum can overflow.
 */

import { STEP_3_MOMENTS } from './schema-step-3-moments'
import { STEP_4_OFFER_OUTCOMES } from './schema-step-4-offer-outcomes'

/** Milliseconds in a day: the width of one bucket of the purchase-gap histogram. */
export const GAP_BUCKET_MS = 86_400_000

/** Version 1: the site's history, its counters and its rollups. */
const STEP_1 = `
-- A person: a visitor that never verifiably signed in (person id = its visitor id), or a customer
-- ("c:<customer key>") with up to MAX_VISITORS_PER_CUSTOMER browsers. Its counters are recomputed
-- from its visits and orders inside every transaction that changes them (people.ts), so retries
-- and concurrent copies never count twice; decide reads them with the visitor in one statement.
CREATE TABLE people (
  person_id TEXT PRIMARY KEY,
  visits INTEGER NOT NULL DEFAULT 0,
  orders INTEGER NOT NULL DEFAULT 0,
  -- Visits with a counted order, the current one included (decide subtracts it).
  purchase_visits INTEGER NOT NULL DEFAULT 0,
  revenue_micros INTEGER NOT NULL DEFAULT 0,
  last_purchase_at INTEGER,
  verified_purchase_visits INTEGER NOT NULL DEFAULT 0,
  verified_orders INTEGER NOT NULL DEFAULT 0,
  verified_revenue_micros INTEGER NOT NULL DEFAULT 0,
  verified_last_purchase_at INTEGER
) WITHOUT ROWID;

CREATE TABLE visitors (
  visitor_id TEXT PRIMARY KEY,
  person_id TEXT NOT NULL,
  first_seen_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX visitors_by_person ON visitors (person_id);

-- One per visit. person_id follows the visitor's (rewritten when the visitor is linked).
CREATE TABLE visits (
  visitor_id TEXT NOT NULL,
  visit_id TEXT NOT NULL,
  person_id TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  -- Local calendar day in the site's time zone (set by the writer); NULL only for visits copied
  -- from D1 rows written before it existed and before the copy could set it.
  day TEXT,
  -- The person's segment when the visit began: metrics attribute the visit and its orders to it.
  segment TEXT NOT NULL,
  -- 1: the script tag saw it; 0: a synthetic visit holding server or imported orders.
  tracked INTEGER NOT NULL DEFAULT 1,
  has_purchase INTEGER NOT NULL DEFAULT 0,
  has_verified_purchase INTEGER NOT NULL DEFAULT 0,
  url TEXT,
  referrer TEXT,
  PRIMARY KEY (visitor_id, visit_id)
) WITHOUT ROWID;
CREATE INDEX visits_by_person ON visits (person_id, started_at);
-- The retention purge: visits whose URL or referrer is still stored, by start.
CREATE INDEX visits_with_urls_by_start ON visits (started_at) WHERE url IS NOT NULL OR referrer IS NOT NULL;

-- Every accepted event; the primary key is the dedupe key.
CREATE TABLE events (
  event_id TEXT PRIMARY KEY,
  visitor_id TEXT NOT NULL,
  visit_id TEXT NOT NULL,
  type TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  data TEXT NOT NULL DEFAULT '{}'
) WITHOUT ROWID;
CREATE INDEX events_by_visitor ON events (visitor_id, visit_id);
CREATE INDEX events_by_received ON events (received_at);

-- One row per order; the primary key makes a re-sent order a duplicate.
CREATE TABLE orders (
  order_id TEXT PRIMARY KEY,
  event_id TEXT,
  visitor_id TEXT NOT NULL,
  visit_id TEXT NOT NULL,
  person_id TEXT NOT NULL,
  revenue_micros INTEGER NOT NULL,
  discount_micros INTEGER NOT NULL DEFAULT 0,
  currency TEXT NOT NULL,
  placed_at INTEGER NOT NULL,
  day TEXT NOT NULL,
  verified INTEGER NOT NULL DEFAULT 0,
  -- browser | server | import
  source TEXT NOT NULL DEFAULT 'browser',
  corrected_at INTEGER,
  -- The customer rollups, kept by customers.ts from the person's orders (any status, any
  -- currency): the person's previous order; on the order that opens a purchase visit, that
  -- visit's rank among the person's purchase visits and the time since the previous one began;
  -- on the person's first order of each month, the month of the person's first order (cohort).
  previous_order_at INTEGER,
  purchase_visit INTEGER,
  purchase_gap INTEGER,
  cohort_month TEXT
) WITHOUT ROWID;
CREATE INDEX orders_by_visitor ON orders (visitor_id, placed_at);
CREATE INDEX orders_by_person ON orders (person_id, placed_at);
-- Metrics read windows of time through this index alone (it covers what they read).
CREATE INDEX orders_by_time ON orders (placed_at, previous_order_at, purchase_gap, cohort_month);
-- The median gap between purchase visits: found by walking one bucket of gaps in order.
CREATE INDEX orders_by_gap ON orders (purchase_gap, placed_at) WHERE purchase_gap IS NOT NULL;
CREATE INDEX orders_corrected ON orders (placed_at) WHERE corrected_at IS NOT NULL;

-- Who was served which rule in which variant: first exposure (time, visit), last exposure, the
-- visits exposed, the offer code served.
CREATE TABLE exposures (
  rule_id TEXT NOT NULL,
  visitor_id TEXT NOT NULL,
  variant TEXT NOT NULL,
  ruleset_version INTEGER NOT NULL,
  first_exposed_at INTEGER NOT NULL,
  first_visit_id TEXT NOT NULL,
  last_exposed_at INTEGER NOT NULL,
  last_visit_id TEXT NOT NULL,
  visits_exposed INTEGER NOT NULL DEFAULT 1,
  offer_code TEXT,
  PRIMARY KEY (rule_id, visitor_id)
) WITHOUT ROWID;
CREATE INDEX exposures_by_code ON exposures (offer_code) WHERE offer_code IS NOT NULL;
CREATE INDEX exposures_by_visitor ON exposures (visitor_id);
CREATE INDEX exposures_by_time ON exposures (first_exposed_at);
CREATE INDEX exposures_by_last_exposed ON exposures (last_exposed_at);

-- A code used once by one holder: "visitor:<id>", or a customer's person id "c:<key>".
CREATE TABLE offer_redemptions (
  code TEXT NOT NULL,
  holder TEXT NOT NULL,
  rule_id TEXT NOT NULL,
  order_id TEXT,
  redeemed_at INTEGER NOT NULL,
  PRIMARY KEY (code, holder)
) WITHOUT ROWID;

-- Signatures of accepted order webhooks, to refuse replays within the signature window.
CREATE TABLE webhook_deliveries (
  signature TEXT PRIMARY KEY,
  received_at INTEGER NOT NULL
) WITHOUT ROWID;

-- Requests from bots per local day: answered, counted here, nothing else stored.
CREATE TABLE bot_requests (
  day TEXT PRIMARY KEY,
  events INTEGER NOT NULL DEFAULT 0,
  decides INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

-- Rows stored through the public key per UTC day (events, exposures): the daily write quota.
-- Counted by triggers in the statement that stores the row, so only rows really stored count.
CREATE TABLE site_daily_writes (
  day TEXT PRIMARY KEY,
  writes INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

CREATE TRIGGER events_count_writes AFTER INSERT ON events
BEGIN
  INSERT INTO site_daily_writes (day, writes)
    VALUES (strftime('%Y-%m-%d', NEW.received_at / 1000, 'unixepoch'), 1)
    ON CONFLICT (day) DO UPDATE SET writes = writes + 1;
END;

-- An exposure is inserted once per (rule, visitor); later visits update it and do not count.
CREATE TRIGGER exposures_count_writes AFTER INSERT ON exposures
BEGIN
  INSERT INTO site_daily_writes (day, writes)
    VALUES (strftime('%Y-%m-%d', NEW.first_exposed_at / 1000, 'unixepoch'), 1)
    ON CONFLICT (day) DO UPDATE SET writes = writes + 1;
END;

-- Per local day and segment at visit start: visits, visits with a counted order, and the orders
-- and revenue (site currency) of those visits. Only tracked visits count. Kept by the triggers
-- below; erasing a person keeps them (they hold no id).
CREATE TABLE daily_segment_stats (
  day TEXT NOT NULL,
  segment TEXT NOT NULL,
  visits INTEGER NOT NULL DEFAULT 0,
  converted_visits INTEGER NOT NULL DEFAULT 0,
  orders INTEGER NOT NULL DEFAULT 0,
  revenue_micros INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (day, segment)
) WITHOUT ROWID;

-- Who visited on a day in a segment. previous_day is the visitor's previous day in the segment,
-- so the distinct visitors of a range are its rows whose previous day lies before the range: a
-- count over the range (daily_segment_visitors_by_day covers it), with no DISTINCT and no sort.
-- Kept by visits_rollup alone, on every visit insert (bulk ones too): no other write changes a
-- visit's day, segment or tracking, and erase deletes a visitor's rows with its visits.
CREATE TABLE daily_segment_visitors (
  visitor_id TEXT NOT NULL,
  segment TEXT NOT NULL,
  day TEXT NOT NULL,
  previous_day TEXT,
  PRIMARY KEY (visitor_id, segment, day)
) WITHOUT ROWID;
CREATE INDEX daily_segment_visitors_by_day ON daily_segment_visitors (day, segment, previous_day);

CREATE TRIGGER visits_rollup AFTER INSERT ON visits WHEN NEW.day IS NOT NULL AND NEW.tracked = 1
BEGIN
  INSERT INTO daily_segment_stats (day, segment, visits) VALUES (NEW.day, NEW.segment, 1)
    ON CONFLICT (day, segment) DO UPDATE SET visits = visits + 1;
  INSERT OR IGNORE INTO daily_segment_visitors (visitor_id, segment, day, previous_day)
    VALUES (NEW.visitor_id, NEW.segment, NEW.day, (SELECT max(day) FROM daily_segment_visitors
      WHERE visitor_id = NEW.visitor_id AND segment = NEW.segment AND day < NEW.day));
  -- A day written out of order (an older visit arriving late) comes before the next day's row.
  UPDATE daily_segment_visitors SET previous_day = NEW.day
    WHERE visitor_id = NEW.visitor_id AND segment = NEW.segment
      AND day = (SELECT min(day) FROM daily_segment_visitors WHERE visitor_id = NEW.visitor_id AND segment = NEW.segment AND day > NEW.day)
      AND (previous_day IS NULL OR previous_day < NEW.day);
END;

CREATE TRIGGER visits_converted_rollup AFTER UPDATE OF has_purchase ON visits
  WHEN NEW.day IS NOT NULL AND NEW.tracked = 1 AND NEW.has_purchase = 1 AND OLD.has_purchase = 0
BEGIN
  UPDATE daily_segment_stats SET converted_visits = converted_visits + 1
    WHERE day = NEW.day AND segment = NEW.segment;
END;

-- A visit whose only counted order moved away.
CREATE TRIGGER visits_unconverted_rollup AFTER UPDATE OF has_purchase ON visits
  WHEN NEW.day IS NOT NULL AND NEW.tracked = 1 AND NEW.has_purchase = 0 AND OLD.has_purchase = 1
BEGIN
  UPDATE daily_segment_stats SET converted_visits = converted_visits - 1
    WHERE day = NEW.day AND segment = NEW.segment;
END;

-- An order goes with its visit: the day and segment of the visit it was placed in.
CREATE TRIGGER orders_rollup AFTER INSERT ON orders
BEGIN
  UPDATE daily_segment_stats SET
    orders = orders + 1,
    revenue_micros = revenue_micros + CASE
      WHEN NEW.currency = (SELECT value FROM ledger_meta WHERE key = 'currency') THEN NEW.revenue_micros ELSE 0 END
  WHERE (day, segment) = (
    SELECT day, segment FROM visits WHERE visitor_id = NEW.visitor_id AND visit_id = NEW.visit_id AND tracked = 1);
END;

-- An order that moves (visit, revenue or currency) leaves its old visit's day and segment and
-- joins its new one's.
CREATE TRIGGER orders_changed_rollup AFTER UPDATE OF visitor_id, visit_id, revenue_micros, currency ON orders
  WHEN OLD.visitor_id IS NOT NEW.visitor_id OR OLD.visit_id IS NOT NEW.visit_id
    OR OLD.revenue_micros IS NOT NEW.revenue_micros OR OLD.currency IS NOT NEW.currency
BEGIN
  UPDATE daily_segment_stats SET
    orders = orders - 1,
    revenue_micros = revenue_micros - CASE
      WHEN OLD.currency = (SELECT value FROM ledger_meta WHERE key = 'currency') THEN OLD.revenue_micros ELSE 0 END
  WHERE (day, segment) = (
    SELECT day, segment FROM visits WHERE visitor_id = OLD.visitor_id AND visit_id = OLD.visit_id AND tracked = 1);
  UPDATE daily_segment_stats SET
    orders = orders + 1,
    revenue_micros = revenue_micros + CASE
      WHEN NEW.currency = (SELECT value FROM ledger_meta WHERE key = 'currency') THEN NEW.revenue_micros ELSE 0 END
  WHERE (day, segment) = (
    SELECT day, segment FROM visits WHERE visitor_id = NEW.visitor_id AND visit_id = NEW.visit_id AND tracked = 1);
END;

-- Customer rollups, per local day of the order: people whose first purchase (first_orders) and
-- whose second purchase visit (second_visits: a repeat customer from then on) fell on the day,
-- and the revenue of all orders in the site's currency. A report sums the days up to its end.
CREATE TABLE daily_customers (
  day TEXT PRIMARY KEY,
  first_orders INTEGER NOT NULL DEFAULT 0,
  second_visits INTEGER NOT NULL DEFAULT 0,
  revenue_micros REAL NOT NULL DEFAULT 0
) WITHOUT ROWID;

-- How many gaps between one purchase visit and the person's next fall in each whole day.
CREATE TABLE purchase_gap_days (
  days INTEGER PRIMARY KEY,
  gaps INTEGER NOT NULL DEFAULT 0
);

-- People by month of first purchase (cohort) and month they purchased in.
CREATE TABLE cohort_months (
  cohort TEXT NOT NULL,
  month TEXT NOT NULL,
  customers INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (cohort, month)
) WITHOUT ROWID;

CREATE TRIGGER orders_customers_added AFTER INSERT ON orders
BEGIN
  INSERT INTO daily_customers (day, first_orders, second_visits, revenue_micros)
    VALUES (NEW.day, NEW.purchase_visit IS 1, NEW.purchase_visit IS 2, CASE
      WHEN NEW.currency = (SELECT value FROM ledger_meta WHERE key = 'currency') THEN NEW.revenue_micros ELSE 0 END)
    ON CONFLICT (day) DO UPDATE SET first_orders = first_orders + excluded.first_orders,
      second_visits = second_visits + excluded.second_visits, revenue_micros = revenue_micros + excluded.revenue_micros;
  INSERT INTO purchase_gap_days (days, gaps) SELECT NEW.purchase_gap / ${GAP_BUCKET_MS}, 1 WHERE NEW.purchase_gap IS NOT NULL
    ON CONFLICT (days) DO UPDATE SET gaps = gaps + 1;
  INSERT INTO cohort_months (cohort, month, customers) SELECT NEW.cohort_month, substr(NEW.day, 1, 7), 1 WHERE NEW.cohort_month IS NOT NULL
    ON CONFLICT (cohort, month) DO UPDATE SET customers = customers + 1;
END;

CREATE TRIGGER orders_customers_removed AFTER DELETE ON orders
BEGIN
  UPDATE daily_customers SET first_orders = first_orders - (OLD.purchase_visit IS 1),
    second_visits = second_visits - (OLD.purchase_visit IS 2),
    revenue_micros = revenue_micros - CASE
      WHEN OLD.currency = (SELECT value FROM ledger_meta WHERE key = 'currency') THEN OLD.revenue_micros ELSE 0 END
    WHERE day = OLD.day;
  UPDATE purchase_gap_days SET gaps = gaps - 1 WHERE OLD.purchase_gap IS NOT NULL AND days = OLD.purchase_gap / ${GAP_BUCKET_MS};
  UPDATE cohort_months SET customers = customers - 1
    WHERE OLD.cohort_month IS NOT NULL AND cohort = OLD.cohort_month AND month = substr(OLD.day, 1, 7);
END;

CREATE TRIGGER orders_customers_changed AFTER UPDATE OF day, revenue_micros, currency, purchase_visit, purchase_gap, cohort_month ON orders
  WHEN OLD.day IS NOT NEW.day OR OLD.revenue_micros IS NOT NEW.revenue_micros OR OLD.currency IS NOT NEW.currency
    OR OLD.purchase_visit IS NOT NEW.purchase_visit OR OLD.purchase_gap IS NOT NEW.purchase_gap OR OLD.cohort_month IS NOT NEW.cohort_month
BEGIN
  UPDATE daily_customers SET first_orders = first_orders - (OLD.purchase_visit IS 1),
    second_visits = second_visits - (OLD.purchase_visit IS 2),
    revenue_micros = revenue_micros - CASE
      WHEN OLD.currency = (SELECT value FROM ledger_meta WHERE key = 'currency') THEN OLD.revenue_micros ELSE 0 END
    WHERE day = OLD.day;
  UPDATE purchase_gap_days SET gaps = gaps - 1 WHERE OLD.purchase_gap IS NOT NULL AND days = OLD.purchase_gap / ${GAP_BUCKET_MS};
  UPDATE cohort_months SET customers = customers - 1
    WHERE OLD.cohort_month IS NOT NULL AND cohort = OLD.cohort_month AND month = substr(OLD.day, 1, 7);
  INSERT INTO daily_customers (day, first_orders, second_visits, revenue_micros)
    VALUES (NEW.day, NEW.purchase_visit IS 1, NEW.purchase_visit IS 2, CASE
      WHEN NEW.currency = (SELECT value FROM ledger_meta WHERE key = 'currency') THEN NEW.revenue_micros ELSE 0 END)
    ON CONFLICT (day) DO UPDATE SET first_orders = first_orders + excluded.first_orders,
      second_visits = second_visits + excluded.second_visits, revenue_micros = revenue_micros + excluded.revenue_micros;
  INSERT INTO purchase_gap_days (days, gaps) SELECT NEW.purchase_gap / ${GAP_BUCKET_MS}, 1 WHERE NEW.purchase_gap IS NOT NULL
    ON CONFLICT (days) DO UPDATE SET gaps = gaps + 1;
  INSERT INTO cohort_months (cohort, month, customers) SELECT NEW.cohort_month, substr(NEW.day, 1, 7), 1 WHERE NEW.cohort_month IS NOT NULL
    ON CONFLICT (cohort, month) DO UPDATE SET customers = customers + 1;
END;
`

/**
 * Every step, in order: `SCHEMA_STEPS[n]` takes an object from version n to n + 1. Append only.
 * @example applySchema(ctx.storage) // the object's version becomes SCHEMA_STEPS.length
 */
export const SCHEMA_STEPS: readonly string[] = [
  STEP_1,
  STEP_2_PREDICTIONS,
  STEP_3_MOMENTS,
  STEP_4_OFFER_OUTCOMES,
]

/** The schema version of an object's storage (0: never migrated). */
export function schemaVersion(storage: DurableObjectStorage): number {
  storage.sql.exec(
    'CREATE TABLE IF NOT EXISTS ledger_meta (key TEXT PRIMARY KEY, value) WITHOUT ROWID',
  )
  const row = storage.sql
    .exec<{ value: number }>("SELECT value FROM ledger_meta WHERE key = 'schema_version'")
    .toArray()[0]
  return row?.value ?? 0
}

/**
 * Brings an object's storage to the newest version: each missing step in a transaction of its
 * own that also records the new version, so a step that fails leaves the object at the version
 * before it (and the next call tries again). Returns the version reached.
 * @example ctx.blockConcurrencyWhile(async () => applySchema(ctx.storage))
 */
export function applySchema(
  storage: DurableObjectStorage,
  steps: readonly string[] = SCHEMA_STEPS,
): number {
  const from = schemaVersion(storage)
  if (from > steps.length)
    throw new Error(
      `ledger schema version ${from} is newer than this code (${steps.length}): deploy the newer code`,
    )
  for (let version = from; version < steps.length; version++) {
    storage.transactionSync(() => {
      storage.sql.exec(steps[version]!)
      storage.sql.exec(
        "INSERT INTO ledger_meta (key, value) VALUES ('schema_version', ?1) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        version + 1,
      )
    })
  }
  return steps.length
}
