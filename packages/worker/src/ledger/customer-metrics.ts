import { GAP_BUCKET_MS } from './schema'
import { first, rows, type Sql } from './sql'
import type { CustomerPartial, GapPartial } from './types'

/** The moments a customer partial is taken at: epoch ms and the local days they begin. */
export type CustomerWindow = {
  /** First local day of the range, and its first millisecond. */
  fromDay: string
  start: number
  /** Last local day of the range, and the first millisecond after it. */
  toDay: string
  end: number
  lapseMs: number
}

/** Runs one named part of a report; the metrics bench passes one that times each. */
export type PartTimer = <T>(name: string, part: () => T) => T
export const untimed: PartTimer = (_name, part) => part()

/**
 * Customer counts as of the end of a range, from the customer rollups (customers.ts): the day
 * rollups summed up to the last day, and windows of orders read through `orders_by_time` alone.
 * Cost follows the range and the lapse window, not the number of customers ever:
 * - total, repeaters and revenue: the day rollups up to the range's last day;
 * - new in range: the day rollups within it;
 * - active at the start and at the end: the people with an order in the lapse window before
 *   each, counted as the window's orders whose person's previous order is older than the window;
 * - gaps between purchase visits: see `gapsBefore`.
 * @example customerPartial(sql, window)
 */
export function customerPartial(
  sql: Sql,
  window: CustomerWindow,
  time: PartTimer = untimed,
): CustomerPartial {
  const sums = time('customer sums', () =>
    first<{
      total: number
      repeaters: number
      revenue_micros: number
      new_in_range: number
    }>(
      sql,
      `SELECT coalesce(sum(first_orders), 0) AS total, coalesce(sum(second_visits), 0) AS repeaters,
       total(revenue_micros) AS revenue_micros,
       coalesce(sum(CASE WHEN day >= ?2 THEN first_orders END), 0) AS new_in_range
     FROM daily_customers WHERE day <= ?1`,
      window.toDay,
      window.fromDay,
    )!,
  )
  return {
    total: sums.total,
    repeaters: sums.repeaters,
    revenueMicros: sums.revenue_micros,
    newInRange: sums.new_in_range,
    activeAtStart: time('active at start', () => activeBefore(sql, window.start, window.lapseMs)),
    activeAtEnd: time('active at end', () => activeBefore(sql, window.end, window.lapseMs)),
    gaps: time('purchase gaps', () => gapsBefore(sql, window.end)),
  }
}

/** People with an order placed in [moment − lapse, moment): each counted by their first there. */
function activeBefore(sql: Sql, moment: number, lapseMs: number): number {
  return sql
    .exec<{ n: number }>(
      `SELECT count(*) AS n FROM orders INDEXED BY orders_by_time
       WHERE placed_at >= ?1 AND placed_at < ?2 AND (previous_order_at IS NULL OR previous_order_at < ?1)`,
      moment - lapseMs,
      moment,
    )
    .one().n
}

/**
 * The gaps between purchase visits that began before `end`: the histogram kept per whole day,
 * less the gaps of visits begun since (`orders_by_time`, so the cost follows the time after
 * `end`), and the two middle gaps, each found by walking the one bucket it falls in in gap order
 * (`orders_by_gap`). Exact: the same values a sort of every gap would give.
 */
export function gapsBefore(sql: Sql, end: number): GapPartial {
  const buckets = new Map<number, number>()
  for (const row of rows<{ days: number; gaps: number }>(
    sql,
    'SELECT days, gaps FROM purchase_gap_days WHERE gaps > 0',
  ))
    buckets.set(row.days, row.gaps)
  for (const row of rows<{ days: number; gaps: number }>(
    sql,
    `SELECT purchase_gap / ${GAP_BUCKET_MS} AS days, count(*) AS gaps FROM orders INDEXED BY orders_by_time
     WHERE placed_at >= ?1 AND purchase_gap IS NOT NULL GROUP BY days`,
    end,
  ))
    buckets.set(row.days, (buckets.get(row.days) ?? 0) - row.gaps)
  const histogram = [...buckets.entries()]
    .filter(([, gaps]) => gaps > 0)
    .sort(([a], [b]) => a - b)
    .map(([days, gaps]) => ({ days, gaps }))
  const count = histogram.reduce((sum, bucket) => sum + bucket.gaps, 0)
  if (count === 0) return { count, histogram, middle: null }
  // 1-based ranks of the middle gap(s): equal when the count is odd.
  const lower = gapAtRank(sql, histogram, Math.floor((count + 1) / 2), end)
  const upper =
    count % 2 === 1 ? lower : gapAtRank(sql, histogram, Math.floor((count + 2) / 2), end)
  return { count, histogram, middle: { lower, upper } }
}

function gapAtRank(
  sql: Sql,
  histogram: GapPartial['histogram'],
  rank: number,
  end: number,
): number {
  let before = 0
  for (const { days, gaps } of histogram) {
    if (before + gaps < rank) {
      before += gaps
      continue
    }
    return sql
      .exec<{ purchase_gap: number }>(
        `SELECT purchase_gap FROM orders INDEXED BY orders_by_gap
         WHERE purchase_gap >= ?1 AND purchase_gap < ?2 AND placed_at < ?3
         ORDER BY purchase_gap LIMIT 1 OFFSET ?4`,
        days * GAP_BUCKET_MS,
        (days + 1) * GAP_BUCKET_MS,
        end,
        rank - before - 1,
      )
      .one().purchase_gap
  }
  throw new Error(`no gap at rank ${rank}`)
}
