import { fromMicros } from '../lib/money'
import { getMeta } from './meta'
import { COUNTED_ORDER, first, rows, type Sql } from './sql'
import type { LedgerSite, PersonPredictionInputs, PredictionInputs } from './types'

/**
 * What the prediction models read about each person (issue 12), from the facts: the person's
 * counted orders (`COUNTED_ORDER`: verified, or browser-reported on a site that trusts browser
 * purchases; the orders the segments count), one purchase per local day (`orders.day`, the site's
 * time zone), revenue in the site's currency (other currencies count as purchase days with no
 * revenue, as the person's `revenue_micros` counts them). Kept on the `people` row by
 * `refreshPredictionInputs`, called wherever the person's counters are recomputed, so every write
 * path (browser batches, server orders, conflicts moving an order, erase, rebuild) keeps them exact.
 */

/**
 * SQL: per person and purchase day (`?1`/`?2` bound the person filter, `?3` trusts browser
 * purchases, `?4` is the site's currency, `?5` the last day observed), then per person: purchase
 * days, first and last day, revenue, the first day's revenue, and the median gap between purchase
 * days once there are two gaps. Window functions, so one pass serves one person or a whole site.
 */
function inputsCte(personFilter: string): string {
  return `WITH counted AS (
      SELECT person_id, day, total(CASE WHEN currency = ?4 THEN revenue_micros ELSE 0 END) AS revenue_micros
      FROM orders WHERE ${personFilter} AND ${COUNTED_ORDER} AND day <= ?5
      GROUP BY person_id, day),
    days AS (
      SELECT person_id, day, revenue_micros,
        row_number() OVER (PARTITION BY person_id ORDER BY day) AS k,
        julianday(day) - julianday(lag(day) OVER (PARTITION BY person_id ORDER BY day)) AS gap
      FROM counted),
    ranked AS (
      SELECT person_id, gap, row_number() OVER (PARTITION BY person_id ORDER BY gap) AS n,
        count(*) OVER (PARTITION BY person_id) AS gaps
      FROM days WHERE gap IS NOT NULL),
    medians AS (
      SELECT person_id, avg(gap) AS median_gap_days FROM ranked
      WHERE gaps >= 2 AND n IN ((gaps + 1) / 2, gaps / 2 + 1) GROUP BY person_id),
    inputs AS (
      SELECT d.person_id, count(*) AS purchase_days, min(d.day) AS first_purchase_day,
        max(d.day) AS last_purchase_day, total(d.revenue_micros) AS revenue_micros,
        total(CASE WHEN d.k = 1 THEN d.revenue_micros ELSE 0 END) AS first_day_revenue_micros,
        m.median_gap_days
      FROM days d LEFT JOIN medians m ON m.person_id = d.person_id
      GROUP BY d.person_id)`
}

/** The last day any order can have: counters observe every order. */
const EVERY_DAY = '9999-12-31'

/** Which people: one (`?1`), a range (after, upTo] as `personRange` writes it, or all. */
export type PersonFilter = { sql: string; bounds: [string | null, string | null] }

/** One person, bound as `?1`. */
export function onePerson(personId: string): PersonFilter {
  return { sql: 'person_id = ?1 AND ?2 IS NULL', bounds: [personId, null] }
}

/** Every person. */
export const EVERY_PERSON: PersonFilter = { sql: '?1 IS NULL AND ?2 IS NULL', bounds: [null, null] }

/**
 * Recomputes the prediction inputs on the `people` rows of the filtered people from their orders
 * (rows with no counted order get zeroes). Run inside the transaction that changed the facts.
 * @example refreshPredictionInputs(sql, site, onePerson('c:id:cust-42'))
 */
export function refreshPredictionInputs(
  sql: Sql,
  site: Pick<LedgerSite, 'currency' | 'trustBrowserPurchases'>,
  filter: PersonFilter,
): void {
  const bindings = [
    ...filter.bounds,
    site.trustBrowserPurchases ? 1 : 0,
    site.currency,
    EVERY_DAY,
  ] as const
  // One statement: the filtered people with their inputs (zeroes for those with no counted order),
  // and only rows whose inputs change are written: this runs on every batch of anyone who ever
  // bought, and nearly every such batch (page views) changes nothing here.
  sql.exec(
    `${inputsCte(filter.sql)}
     UPDATE people SET purchase_days = n.purchase_days, first_purchase_day = n.first_purchase_day,
       last_purchase_day = n.last_purchase_day, first_day_revenue_micros = n.first_day_revenue_micros,
       median_gap_days = n.median_gap_days
     FROM (SELECT f.person_id, coalesce(i.purchase_days, 0) AS purchase_days,
             i.first_purchase_day, i.last_purchase_day,
             coalesce(i.first_day_revenue_micros, 0) AS first_day_revenue_micros, i.median_gap_days
           FROM (SELECT person_id FROM people WHERE ${filter.sql}) f
           LEFT JOIN inputs i ON i.person_id = f.person_id) n
     WHERE people.person_id = n.person_id
       AND (people.purchase_days IS NOT n.purchase_days
         OR people.first_purchase_day IS NOT n.first_purchase_day
         OR people.last_purchase_day IS NOT n.last_purchase_day
         OR people.first_day_revenue_micros IS NOT n.first_day_revenue_micros
         OR people.median_gap_days IS NOT n.median_gap_days)`,
    ...bindings,
  )
}

/**
 * Fills every person's inputs once after schema step 2 (it cannot: which orders count depends on
 * the site's `trustBrowserPurchases`), on the first call that names the site. One statement over
 * the site's orders; a no-op afterwards.
 * @example fillPendingPredictionInputs(sql, site)
 */
export function fillPendingPredictionInputs(
  sql: Sql,
  site: Pick<LedgerSite, 'currency' | 'trustBrowserPurchases'>,
): void {
  if (getMeta(sql, 'prediction_inputs_pending') === null) return
  refreshPredictionInputs(sql, site, EVERY_PERSON)
  sql.exec("DELETE FROM ledger_meta WHERE key = 'prediction_inputs_pending'")
}

type InputsRow = {
  person_id: string
  purchase_days: number
  first_purchase_day: string
  last_purchase_day: string
  revenue_micros: number
  first_day_revenue_micros: number
  median_gap_days: number | null
}

type SummaryRow = {
  customer_id: string
  first_day: string
  last_day: string
  x: number
  tx: number
  T: number
  monetary: number
  median_gap_days: number | null
  purchase_days: number
  revenue_micros: number
}

/**
 * The site's per-customer summary as of a local day (orders after it ignored, asOf observed in
 * full), computed in SQL from the orders: x (repeat purchase days), tx and T in weeks, monetary
 * (mean revenue of the repeat purchase days, site currency; 0 when x = 0). The conventions of the
 * model's `summarizeOrders`, so the answer is an `OrdersSummary` that `fitPredictionModels` reads.
 * @example predictionInputs(sql, site, '1997-09-30').customers.length // 2357 for CDNOW's sample
 */
export function predictionInputs(
  sql: Sql,
  site: Pick<LedgerSite, 'currency' | 'trustBrowserPurchases'>,
  asOf: string,
): PredictionInputs {
  const found = rows<SummaryRow>(
    sql,
    `${inputsCte(EVERY_PERSON.sql)}
     SELECT person_id AS customer_id, first_purchase_day AS first_day, last_purchase_day AS last_day,
       purchase_days - 1 AS x,
       (julianday(last_purchase_day) - julianday(first_purchase_day)) / 7.0 AS tx,
       (julianday(?5) - julianday(first_purchase_day)) / 7.0 AS T,
       CASE WHEN purchase_days > 1
         THEN (revenue_micros - first_day_revenue_micros) / 1e6 / (purchase_days - 1) ELSE 0 END AS monetary,
       median_gap_days, purchase_days, revenue_micros
     FROM inputs ORDER BY person_id`,
    null,
    null,
    site.trustBrowserPurchases ? 1 : 0,
    site.currency,
    asOf,
  )
  let purchaseDays = 0
  let revenueMicros = 0
  const customers = found.map((row) => {
    purchaseDays += row.purchase_days
    revenueMicros += row.revenue_micros
    return {
      customerId: row.customer_id,
      firstDay: row.first_day,
      lastDay: row.last_day,
      x: row.x,
      tx: row.tx,
      T: row.T,
      monetary: row.monetary,
      medianGapDays: row.median_gap_days,
    }
  })
  return { asOf, customers, purchaseDays, revenue: fromMicros(revenueMicros) }
}

/**
 * One person's inputs as of a local day, from their orders (orders after it ignored): what the
 * per-customer prediction route reads for a past day. Null without a purchase by then.
 * @example personInputsAsOf(sql, site, 'c:id:cust-42', '2026-06-30')
 */
export function personInputsAsOf(
  sql: Sql,
  site: Pick<LedgerSite, 'currency' | 'trustBrowserPurchases'>,
  personId: string,
  asOf: string,
): PersonPredictionInputs | null {
  const filter = onePerson(personId)
  const row = first<InputsRow>(
    sql,
    `${inputsCte(filter.sql)} SELECT * FROM inputs`,
    ...filter.bounds,
    site.trustBrowserPurchases ? 1 : 0,
    site.currency,
    asOf,
  )
  return row ? toPersonInputs(row) : null
}

/** The inputs' columns, as `people` keeps them and the inputs query computes them. */
export type InputsColumns = {
  purchase_days: number | null
  first_purchase_day: string | null
  last_purchase_day: string | null
  revenue_micros: number | null
  first_day_revenue_micros: number | null
  median_gap_days: number | null
}

/**
 * A person's inputs from their columns; null for someone with no purchase day.
 * @example toPersonInputs(row) // { purchaseDays: 3, firstPurchaseDay: '2026-01-02', ... }
 */
export function toPersonInputs(row: InputsColumns): PersonPredictionInputs | null {
  if (!row.purchase_days) return null
  return {
    purchaseDays: row.purchase_days,
    firstPurchaseDay: row.first_purchase_day!,
    lastPurchaseDay: row.last_purchase_day!,
    revenueMicros: row.revenue_micros ?? 0,
    firstDayRevenueMicros: row.first_day_revenue_micros ?? 0,
    medianGapDays: row.median_gap_days,
  }
}

/**
 * Purchase days per week after `from` (weeks 0 to `weeks` − 1: days from + 1 … from + 7, …), by
 * the people who had bought on or before `from`: what the calibration chart compares with the
 * purchases a fit as of `from` expected. Counted orders, one purchase per person and local day.
 * @example purchaseDaysByWeek(sql, site, '2026-09-01', 8) // [3, 5, 0, 2, 4, 1, 0, 2]
 */
export function purchaseDaysByWeek(
  sql: Sql,
  site: Pick<LedgerSite, 'trustBrowserPurchases'>,
  from: string,
  weeks: number,
): number[] {
  const found = rows<{ week: number; purchase_days: number }>(
    sql,
    `WITH counted AS (
       SELECT person_id, day FROM orders WHERE ${COUNTED_ORDER} GROUP BY person_id, day),
     firsts AS (SELECT person_id, min(day) AS first_day FROM counted GROUP BY person_id)
     SELECT CAST((julianday(c.day) - julianday(?1) - 1) / 7 AS INTEGER) AS week, count(*) AS purchase_days
     FROM counted c JOIN firsts f ON f.person_id = c.person_id
     WHERE f.first_day <= ?1 AND c.day > ?1 AND julianday(c.day) <= julianday(?1) + 7 * ?2
     GROUP BY week ORDER BY week`,
    from,
    weeks,
    site.trustBrowserPurchases ? 1 : 0,
  )
  const counts = Array.from({ length: weeks }, () => 0)
  for (const row of found) counts[row.week] = row.purchase_days
  return counts
}
