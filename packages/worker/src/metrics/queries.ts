import type { Segment } from '@stammis/contract'
import { WEEK_MS } from '../lib/days'

// Every sum of money here is `total()`, never `sum()`: SQLite's integer sum() throws "integer
// overflow" past 2^63 micro-units (9,224 orders at the 1e9 limit), and one such throw made the
// report fail for every range that included the orders. total() is a double: it cannot overflow
// and is exact below 2^53 micro-units (9 billion in the currency). Counts stay integer sums.

export type SegmentTotalsRow = {
  segment: Segment
  visits: number
  converted_visits: number
  orders: number
  revenue_micros: number
  visitors: number
}

/** Per segment over local days [fromDay, toDay]: the daily rollups summed, and distinct visitors. */
export async function segmentTotals(
  db: D1Database,
  siteId: string,
  fromDay: string,
  toDay: string,
): Promise<SegmentTotalsRow[]> {
  const [sums, visitors] = await db.batch([
    db
      .prepare(
        `SELECT segment, sum(visits) AS visits, sum(converted_visits) AS converted_visits, sum(orders) AS orders,
           total(revenue_micros) AS revenue_micros
         FROM daily_segment_stats WHERE site_id = ?1 AND day BETWEEN ?2 AND ?3 GROUP BY segment`,
      )
      .bind(siteId, fromDay, toDay),
    db
      .prepare(
        `SELECT segment, count(DISTINCT visitor_id) AS visitors
         FROM daily_segment_visitors WHERE site_id = ?1 AND day BETWEEN ?2 AND ?3 GROUP BY segment`,
      )
      .bind(siteId, fromDay, toDay),
  ])
  const visitorsBySegment = new Map(
    (visitors!.results as { segment: Segment; visitors: number }[]).map((row) => [
      row.segment,
      row.visitors,
    ]),
  )
  return (sums!.results as Omit<SegmentTotalsRow, 'visitors'>[]).map((row) => ({
    ...row,
    visitors: visitorsBySegment.get(row.segment) ?? 0,
  }))
}

export type CustomerSummaryRow = {
  total: number
  repeaters: number
  lapsed: number
  revenue_micros: number
  new_in_range: number
  active_at_start: number
  active_at_end: number
  /** Median milliseconds between one purchase visit and the same customer's next (null: none). */
  median_gap: number | null
}

// A purchase visit: a visit with at least one order, as of a moment (`?2`, exclusive). A customer
// is a person: all visitors linked to one customer id count as one customer.
const PURCHASE_VISITS = `purchase_visits AS (
  SELECT p.person_id AS person_id, o.visitor_id, o.visit_id, min(o.placed_at) AS first_at, max(o.placed_at) AS last_at,
    max(CASE WHEN o.placed_at < ?3 THEN o.placed_at END) AS last_before_start,
    total(CASE WHEN o.currency = ?4 THEN o.revenue_micros ELSE 0 END) AS revenue_micros
  FROM orders o JOIN visitors p ON p.site_id = o.site_id AND p.visitor_id = o.visitor_id
  WHERE o.site_id = ?1 AND o.placed_at < ?2 GROUP BY p.person_id, o.visitor_id, o.visit_id)`

/**
 * Customer counts as of `end` (exclusive), with the period starting at `start`: every customer's
 * purchase visits folded into one row in a single SQL statement, the median gap between purchase
 * visits included (so one pass over the orders, and no list of gaps sent back).
 */
export async function customerSummary(
  db: D1Database,
  siteId: string,
  start: number,
  end: number,
  currency: string,
  lapseMs: number,
): Promise<CustomerSummaryRow> {
  const row = await db
    .prepare(
      `WITH ${PURCHASE_VISITS},
       customers AS (
         SELECT person_id, min(first_at) AS first_at, max(last_at) AS last_at, count(*) AS visit_count,
           max(last_before_start) AS last_before_start, total(revenue_micros) AS revenue_micros
         FROM purchase_visits GROUP BY person_id),
       gaps AS (
         SELECT gap, row_number() OVER (ORDER BY gap) AS position, count(*) OVER () AS gap_count
         FROM (SELECT first_at - lag(first_at) OVER (PARTITION BY person_id ORDER BY first_at) AS gap FROM purchase_visits)
         WHERE gap IS NOT NULL)
       SELECT count(*) AS total,
         coalesce(sum(visit_count >= 2), 0) AS repeaters,
         coalesce(sum(?2 - last_at > ?5), 0) AS lapsed,
         total(revenue_micros) AS revenue_micros,
         coalesce(sum(first_at >= ?3), 0) AS new_in_range,
         coalesce(sum(last_before_start IS NOT NULL AND ?3 - last_before_start <= ?5), 0) AS active_at_start,
         coalesce(sum(?2 - last_at <= ?5), 0) AS active_at_end,
         (SELECT avg(gap) FROM gaps WHERE position IN ((gap_count + 1) / 2, (gap_count + 2) / 2)) AS median_gap
       FROM customers`,
    )
    .bind(siteId, end, start, currency, lapseMs)
    .first<CustomerSummaryRow>()
  return row!
}

/** Customers (people) by month of first purchase, and how many of each purchased in each month. */
export async function cohortCounts(
  db: D1Database,
  siteId: string,
  end: number,
): Promise<{ cohort: string; month: string; customers: number }[]> {
  const rows = await db
    .prepare(
      `WITH purchase_months AS (
         SELECT DISTINCT v.person_id, substr(o.day, 1, 7) AS month
         FROM orders o JOIN visitors v ON v.site_id = o.site_id AND v.visitor_id = o.visitor_id
         WHERE o.site_id = ?1 AND o.placed_at < ?2),
       first_months AS (SELECT person_id, min(month) AS cohort FROM purchase_months GROUP BY person_id)
       SELECT f.cohort, p.month, count(*) AS customers
       FROM first_months f JOIN purchase_months p ON p.person_id = f.person_id
       GROUP BY f.cohort, p.month ORDER BY f.cohort, p.month`,
    )
    .bind(siteId, end)
    .all<{ cohort: string; month: string; customers: number }>()
  return rows.results
}

export type OfferArmRow = {
  rule_id: string
  variant: 'treatment' | 'control'
  exposed: number
  converted: number
  revenue_micros: number
  discount_micros: number
}

/**
 * Per rule and variant: visitors first exposed in [start, end), those who ordered within 7 days
 * of that first exposure, and the revenue and discounts of those orders.
 */
export async function offerArms(
  db: D1Database,
  siteId: string,
  start: number,
  end: number,
  currency: string,
): Promise<OfferArmRow[]> {
  const rows = await db
    .prepare(
      `SELECT rule_id, variant, count(*) AS exposed, sum(orders > 0) AS converted,
         total(revenue_micros) AS revenue_micros, total(discount_micros) AS discount_micros
       FROM (
         SELECT e.rule_id, e.variant, e.visitor_id, count(o.order_id) AS orders,
           total(CASE WHEN o.currency = ?4 THEN o.revenue_micros ELSE 0 END) AS revenue_micros,
           total(CASE WHEN o.currency = ?4 THEN o.discount_micros ELSE 0 END) AS discount_micros
         FROM exposures e
         LEFT JOIN orders o ON o.site_id = e.site_id AND o.visitor_id = e.visitor_id
           AND o.placed_at >= e.first_exposed_at AND o.placed_at < e.first_exposed_at + ${WEEK_MS}
         WHERE e.site_id = ?1 AND e.first_exposed_at >= ?2 AND e.first_exposed_at < ?3
         GROUP BY e.rule_id, e.visitor_id)
       GROUP BY rule_id, variant ORDER BY rule_id, variant`,
    )
    .bind(siteId, start, end, currency)
    .all<OfferArmRow>()
  return rows.results
}

/**
 * Browser-reported orders placed in [start, end) that the shop's server corrected (its version
 * replaced the browser's). A partial index holds only corrected orders, so this reads no others.
 * @example await countConflicts(env.DB, site.id, start, end) // 3
 */
export async function countConflicts(
  db: D1Database,
  siteId: string,
  start: number,
  end: number,
): Promise<number> {
  const row = await db
    .prepare(
      'SELECT count(*) AS n FROM orders INDEXED BY orders_corrected WHERE site_id = ?1 AND placed_at >= ?2 AND placed_at < ?3 AND corrected_at IS NOT NULL',
    )
    .bind(siteId, start, end)
    .first<{ n: number }>()
  return row?.n ?? 0
}
