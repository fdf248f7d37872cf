import type { Segment } from '@stammis/contract'
import { DAY_MS, nextDay } from '../lib/days'
import { dayStart } from '../lib/time-zone'
import { botDays } from './bots'
import { customerPartial, untimed, type CustomerWindow, type PartTimer } from './customer-metrics'
import { rows, type Sql } from './sql'
import type {
  CohortCell,
  CustomerPartial,
  LedgerSite,
  MetricsPartial,
  OfferArmPartial,
  SegmentPartial,
} from './types'

/**
 * The moments of a range of local days [from, to] in the site's time zone.
 * @example customerWindow(site, '2026-11-01', '2026-11-30').end // local midnight starting Dec 1
 */
export function customerWindow(
  site: Pick<LedgerSite, 'timeZone' | 'lapseDays'>,
  from: string,
  to: string,
): CustomerWindow {
  return {
    fromDay: from,
    start: dayStart(from, site.timeZone),
    toDay: to,
    end: dayStart(nextDay(to), site.timeZone),
    lapseMs: site.lapseDays * DAY_MS,
  }
}

/**
 * Every metric of local days [from, to] as mergeable parts, read from the rollups and from
 * windows of orders and exposures (never from raw events, never from every customer).
 * `time` wraps each part (the metrics bench times them; the report passes nothing).
 * @example metricsPartial(sql, site, '2026-11-01', '2026-11-30')
 */
export function metricsPartial(
  sql: Sql,
  site: Pick<LedgerSite, 'timeZone' | 'lapseDays'>,
  from: string,
  to: string,
  time: PartTimer = untimed,
): MetricsPartial {
  const window = customerWindow(site, from, to)
  return {
    segments: time('segments', () => segmentPartials(sql, from, to)),
    customers: customerPartial(sql, window, time),
    cohorts: time('cohorts', () => cohortCells(sql, site, window)),
    offerArms: time('offer arms', () => offerArms(sql, window.start, window.end)),
    botDays: time('bot days', () => botDays(sql, from, to)),
    conflicts: time(
      'conflicts',
      () =>
        sql
          .exec<{ n: number }>(
            'SELECT count(*) AS n FROM orders INDEXED BY orders_corrected WHERE placed_at >= ?1 AND placed_at < ?2 AND corrected_at IS NOT NULL',
            window.start,
            window.end,
          )
          .one().n,
    ),
  }
}

/** The customer part alone (the dashboard's trend asks for it as of several days). */
export function customerMetricsPartial(
  sql: Sql,
  site: Pick<LedgerSite, 'timeZone' | 'lapseDays'>,
  from: string,
  to: string,
): CustomerPartial {
  return customerPartial(sql, customerWindow(site, from, to))
}

/**
 * Per segment over local days [from, to]: the daily rollups summed, and the distinct visitors,
 * counted as the range's visitor-days whose previous day in the segment lies before the range.
 */
function segmentPartials(sql: Sql, from: string, to: string): SegmentPartial[] {
  const visitors = new Map(
    rows<{ segment: Segment; visitors: number }>(
      sql,
      `SELECT segment, count(*) AS visitors FROM daily_segment_visitors
       WHERE day BETWEEN ?1 AND ?2 AND (previous_day IS NULL OR previous_day < ?1) GROUP BY segment`,
      from,
      to,
    ).map((row) => [row.segment, row.visitors]),
  )
  return rows<{
    segment: Segment
    visits: number
    converted_visits: number
    orders: number
    revenue_micros: number
  }>(
    sql,
    `SELECT segment, sum(visits) AS visits, sum(converted_visits) AS converted_visits, sum(orders) AS orders,
       total(revenue_micros) AS revenue_micros
     FROM daily_segment_stats WHERE day BETWEEN ?1 AND ?2 GROUP BY segment`,
    from,
    to,
  ).map((row) => ({
    segment: row.segment,
    visits: row.visits,
    convertedVisits: row.converted_visits,
    orders: row.orders,
    revenueMicros: row.revenue_micros,
    visitors: visitors.get(row.segment) ?? 0,
  }))
}

/**
 * People by month of first purchase and the months they purchased in, as of the range's end.
 * Months before the last one are complete and come from the rollup; the last month, which the
 * range may end within, is counted from its own orders up to the end.
 */
function cohortCells(
  sql: Sql,
  site: Pick<LedgerSite, 'timeZone'>,
  window: CustomerWindow,
): CohortCell[] {
  const lastMonth = window.toDay.slice(0, 7)
  const monthStart = dayStart(`${lastMonth}-01`, site.timeZone)
  return [
    ...rows<CohortCell>(
      sql,
      'SELECT cohort, month, customers FROM cohort_months WHERE month < ?1 AND customers > 0 ORDER BY cohort, month',
      lastMonth,
    ),
    ...rows<CohortCell>(
      sql,
      `SELECT cohort_month AS cohort, ?3 AS month, count(*) AS customers FROM orders INDEXED BY orders_by_time
       WHERE placed_at >= ?1 AND placed_at < ?2 AND cohort_month IS NOT NULL GROUP BY cohort_month ORDER BY cohort_month`,
      monthStart,
      window.end,
      lastMonth,
    ),
  ]
}

/**
 * Per rule and variant: visitors first exposed in [start, end), those who ordered within 7 days
 * of that first exposure, and the revenue and discounts (site currency) of those orders: the
 * outcome each exposure carries (schema step 4), read through the one index that covers it.
 */
function offerArms(sql: Sql, start: number, end: number): OfferArmPartial[] {
  return rows<{
    rule_id: string
    variant: 'treatment' | 'control'
    exposed: number
    converted: number
    revenue_micros: number
    discount_micros: number
  }>(
    sql,
    `SELECT rule_id, variant, count(*) AS exposed, sum(week_orders > 0) AS converted,
       total(week_revenue_micros) AS revenue_micros, total(week_discount_micros) AS discount_micros
     FROM exposures INDEXED BY exposures_by_time_with_outcome
     WHERE first_exposed_at >= ?1 AND first_exposed_at < ?2
     GROUP BY rule_id, variant ORDER BY rule_id, variant`,
    start,
    end,
  ).map((row) => ({
    ruleId: row.rule_id,
    variant: row.variant,
    exposed: row.exposed,
    converted: row.converted,
    revenueMicros: row.revenue_micros,
    discountMicros: row.discount_micros,
  }))
}
