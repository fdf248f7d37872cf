import { personRange, refreshCustomers } from './customers'
import { refreshPredictionInputs } from './prediction-inputs'
import { GAP_BUCKET_MS } from './schema'
import { EXPOSURE_OUTCOMES_FROM_ORDERS } from './schema-step-4-offer-outcomes'
import { COUNTED_ORDER, first, type Sql } from './sql'
import type { LedgerSite, RebuildCursor } from './types'

/** People per rebuild step: each step stays far below a call's CPU limit at any site size. */
export const REBUILD_PEOPLE_PER_STEP = 20_000

/**
 * Rebuilding everything derived from the facts (visitors, visits, orders), after rows arrived in
 * bulk (a copy from D1, a bench load) instead of through the operations: the person of every visit
 * and order, every person's counters, the customer columns of orders, and the rollup tables. The
 * result is what the operations would have kept, so rebuilding twice changes nothing.
 *
 * It runs in steps, each its own transaction: people in ranges of `REBUILD_PEOPLE_PER_STEP` person
 * ids (their counters, then their orders' customer columns), then the rollups. A call of the
 * object runs a few steps and hands back where it stopped, so no call grows with the site.
 * `daily_segment_visitors` is not rebuilt: its trigger keeps it exact on every visit insert, bulk
 * ones included (see schema.ts), and rebuilding it would mean sorting every visit.
 */

/**
 * One step of the rebuild from `cursor` (null: the start); returns where the next starts, or null
 * when everything is rebuilt.
 * @example let cursor = rebuildStep(sql, site, null); while (cursor) cursor = rebuildStep(sql, site, cursor)
 */
export function rebuildStep(
  sql: Sql,
  site: Pick<LedgerSite, 'currency' | 'trustBrowserPurchases'>,
  cursor: RebuildCursor | null,
  peoplePerStep = REBUILD_PEOPLE_PER_STEP,
): RebuildCursor | null {
  if (cursor === null) {
    syncPersons(sql)
    return { phase: 'people', after: '' }
  }
  if (cursor.phase === 'rollups') {
    rebuildRollups(sql)
    return null
  }
  // The last person id of the next range (people with a visitor only: the others are dropped).
  const upTo = first<{ person_id: string }>(
    sql,
    `SELECT max(person_id) AS person_id FROM
       (SELECT DISTINCT person_id FROM visitors WHERE person_id > ?1 ORDER BY person_id LIMIT ?2)`,
    cursor.after,
    peoplePerStep,
  )?.person_id
  // After the last range, the tail (after, end) holds no visitor's person: only rows to drop.
  const range = { after: cursor.after, upTo: upTo ?? null }
  if (cursor.phase === 'people') recountPeople(sql, site, range)
  else refreshCustomers(sql, range)
  if (upTo) return { phase: cursor.phase, after: upTo }
  return cursor.phase === 'people'
    ? { phase: 'customers', after: '' }
    : { phase: 'rollups', after: '' }
}

/**
 * The whole rebuild at once, in the caller's transaction: for tests and small sites.
 * @example rebuildFromFacts(sql, site)
 */
export function rebuildFromFacts(
  sql: Sql,
  site: Pick<LedgerSite, 'currency' | 'trustBrowserPurchases'>,
): void {
  let cursor = rebuildStep(sql, site, null)
  while (cursor) cursor = rebuildStep(sql, site, cursor)
}

/** Visits and orders follow their visitor's person (rows copied before a link came along). */
function syncPersons(sql: Sql): void {
  sql.exec(`UPDATE visits SET person_id = v.person_id FROM visitors v
    WHERE v.visitor_id = visits.visitor_id AND visits.person_id IS NOT v.person_id`)
  sql.exec(`UPDATE orders SET person_id = v.person_id FROM visitors v
    WHERE v.visitor_id = orders.visitor_id AND orders.person_id IS NOT v.person_id`)
}

/** The counters of the people in a range (see `personRange`); rows of people gone are dropped. */
function recountPeople(
  sql: Sql,
  site: Pick<LedgerSite, 'currency' | 'trustBrowserPurchases'>,
  range: { after: string; upTo: string | null },
): void {
  const inRange = personRange(range)
  sql.exec(`DELETE FROM people WHERE ${inRange}`, range.after, range.upTo)
  sql.exec(
    `INSERT INTO people (person_id, visits, purchase_visits, verified_purchase_visits, orders, revenue_micros,
       last_purchase_at, verified_orders, verified_revenue_micros, verified_last_purchase_at)
     SELECT p.person_id, coalesce(v.visits, 0), coalesce(v.purchase_visits, 0), coalesce(v.verified_purchase_visits, 0),
       coalesce(o.orders, 0), coalesce(o.revenue_micros, 0), o.last_purchase_at, coalesce(o.verified_orders, 0),
       coalesce(o.verified_revenue_micros, 0), o.verified_last_purchase_at
     FROM (SELECT DISTINCT person_id FROM visitors WHERE ${inRange}) p
     LEFT JOIN (SELECT person_id, count(*) AS visits, sum(has_purchase) AS purchase_visits,
         sum(has_verified_purchase) AS verified_purchase_visits
       FROM visits WHERE ${inRange} GROUP BY person_id) v ON v.person_id = p.person_id
     LEFT JOIN (SELECT person_id, sum(${COUNTED_ORDER}) AS orders,
         total(CASE WHEN ${COUNTED_ORDER} AND currency = ?4 THEN revenue_micros ELSE 0 END) AS revenue_micros,
         max(CASE WHEN ${COUNTED_ORDER} THEN placed_at END) AS last_purchase_at,
         sum(verified) AS verified_orders,
         total(CASE WHEN verified = 1 AND currency = ?4 THEN revenue_micros ELSE 0 END) AS verified_revenue_micros,
         max(CASE WHEN verified = 1 THEN placed_at END) AS verified_last_purchase_at
       FROM orders WHERE ${inRange} GROUP BY person_id) o ON o.person_id = p.person_id`,
    range.after,
    range.upTo,
    site.trustBrowserPurchases ? 1 : 0, // COUNTED_ORDER reads it as ?3
    site.currency,
  )
  refreshPredictionInputs(sql, site, { sql: inRange, bounds: [range.after, range.upTo] })
}

/** The rollup tables, from the visits and orders (the triggers' result, computed at once). */
function rebuildRollups(sql: Sql): void {
  const currency = "(SELECT value FROM ledger_meta WHERE key = 'currency')"
  sql.exec('DELETE FROM daily_segment_stats')
  sql.exec(
    `INSERT INTO daily_segment_stats (day, segment, visits, converted_visits, orders, revenue_micros)
     SELECT v.day, v.segment, count(*), sum(v.has_purchase), coalesce(sum(o.orders), 0), total(o.revenue_micros)
     FROM visits v
     LEFT JOIN (SELECT visitor_id, visit_id, count(*) AS orders,
         total(CASE WHEN currency = ${currency} THEN revenue_micros ELSE 0 END) AS revenue_micros
       FROM orders GROUP BY visitor_id, visit_id) o ON o.visitor_id = v.visitor_id AND o.visit_id = v.visit_id
     WHERE v.tracked = 1 AND v.day IS NOT NULL
     GROUP BY v.day, v.segment`,
  )
  sql.exec('DELETE FROM daily_customers')
  sql.exec(
    `INSERT INTO daily_customers (day, first_orders, second_visits, revenue_micros)
     SELECT day, sum(purchase_visit IS 1), sum(purchase_visit IS 2),
       total(CASE WHEN currency = ${currency} THEN revenue_micros ELSE 0 END)
     FROM orders GROUP BY day`,
  )
  sql.exec('DELETE FROM purchase_gap_days')
  sql.exec(
    `INSERT INTO purchase_gap_days (days, gaps)
     SELECT purchase_gap / ${GAP_BUCKET_MS}, count(*) FROM orders WHERE purchase_gap IS NOT NULL GROUP BY 1`,
  )
  sql.exec('DELETE FROM cohort_months')
  sql.exec(
    `INSERT INTO cohort_months (cohort, month, customers)
     SELECT cohort_month, substr(day, 1, 7), count(*) FROM orders WHERE cohort_month IS NOT NULL GROUP BY 1, 2`,
  )
  sql.exec(EXPOSURE_OUTCOMES_FROM_ORDERS)
}
