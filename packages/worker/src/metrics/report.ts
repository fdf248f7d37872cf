import {
  SEGMENTS,
  type Cohort,
  type CustomerMetrics,
  type MetricsReport,
  type OfferArm,
  type SegmentMetrics,
} from '@stammis/contract'
import type { Env } from '../env'
import { DAY_MS, nextDay } from '../lib/days'
import { fromMicros } from '../lib/money'
import { dayStart, localDay } from '../lib/time-zone'
import { findLatestRuleset } from '../rules/queries'
import type { Site } from '../sites/site'
import { findBotDays } from './bot-counts'
import {
  cohortCounts,
  countConflicts,
  customerSummary,
  offerArms,
  segmentTotals,
  type OfferArmRow,
} from './queries'
import { conversionLift, ratio } from './stats'

/**
 * Every metric for local days [from, to] of a site, read from the daily rollups and the orders
 * and exposures tables (never from raw events).
 * @example await buildMetrics(env, site, '2026-11-01', '2026-11-30')
 */
export async function buildMetrics(
  env: Env,
  site: Site,
  from: string,
  to: string,
): Promise<MetricsReport> {
  const start = dayStart(from, site.timeZone)
  const end = dayStart(nextDay(to), site.timeZone)
  const [segmentRows, customers, cohortRows, armRows, live, botDays, conflicts] = await Promise.all(
    [
      segmentTotals(env.DB, site.id, from, to),
      customerMetrics(env, site, from, to),
      cohortCounts(env.DB, site.id, end),
      offerArms(env.DB, site.id, start, end, site.currency),
      findLatestRuleset(env.DB, site.id),
      findBotDays(env.DB, site.id, from, to),
      countConflicts(env.DB, site.id, start, end),
    ],
  )

  const totalRevenueMicros = segmentRows.reduce((sum, row) => sum + row.revenue_micros, 0)
  const totals = {
    visits: segmentRows.reduce((sum, row) => sum + row.visits, 0),
    orders: segmentRows.reduce((sum, row) => sum + row.orders, 0),
    revenue: fromMicros(totalRevenueMicros),
  }
  const segments = Object.fromEntries(
    SEGMENTS.map((segment): [string, SegmentMetrics] => {
      const row = segmentRows.find((candidate) => candidate.segment === segment)
      const visits = row?.visits ?? 0
      const orders = row?.orders ?? 0
      const revenueMicros = row?.revenue_micros ?? 0
      return [
        segment,
        {
          visitors: row?.visitors ?? 0,
          visits,
          orders,
          revenue: fromMicros(revenueMicros),
          conversionRate: ratio(row?.converted_visits ?? 0, visits),
          aov: ratio(fromMicros(revenueMicros), orders),
          trafficShare: ratio(visits, totals.visits),
          revenueShare: ratio(revenueMicros, totalRevenueMicros),
        },
      ]
    }),
  ) as MetricsReport['segments']

  const heldOutRules = new Set([
    ...armRows.filter((row) => row.variant === 'control').map((row) => row.rule_id),
    ...(live?.rules ?? []).filter((rule) => rule.holdoutPercent > 0).map((rule) => rule.id),
  ])

  return {
    from,
    to,
    currency: site.currency,
    timeZone: site.timeZone,
    segments,
    totals,
    customers,
    cohorts: toCohorts(cohortRows, localDay(end - 1, site.timeZone).slice(0, 7)),
    offers: [...heldOutRules].sort().map((ruleId) => {
      const treatment = toArm(
        armRows.find((row) => row.rule_id === ruleId && row.variant === 'treatment'),
      )
      const control = toArm(
        armRows.find((row) => row.rule_id === ruleId && row.variant === 'control'),
      )
      const lift = conversionLift(
        treatment.exposed,
        treatment.converted,
        control.exposed,
        control.converted,
      )
      return {
        ruleId,
        treatment,
        control,
        lift: lift.lift,
        liftLow: lift.low,
        liftHigh: lift.high,
        relativeLift: lift.relative,
        isSignificant: lift.isSignificant,
        netRevenuePerExposedLift:
          treatment.netRevenuePerExposed === null || control.netRevenuePerExposed === null
            ? null
            : treatment.netRevenuePerExposed - control.netRevenuePerExposed,
      }
    }),
    botsFiltered: {
      events: botDays.reduce((sum, day) => sum + day.events, 0),
      decides: botDays.reduce((sum, day) => sum + day.decides, 0),
    },
    conflicts,
  }
}

/**
 * The customer metrics alone for local days [from, to]: one SQL statement. The dashboard's
 * over-time chart asks for them as of several days without paying for a whole report each time.
 * @example (await customerMetrics(env, site, '2026-11-30', '2026-11-30')).repeatRate
 */
export async function customerMetrics(
  env: Env,
  site: Site,
  from: string,
  to: string,
): Promise<CustomerMetrics> {
  const start = dayStart(from, site.timeZone)
  const end = dayStart(nextDay(to), site.timeZone)
  const summary = await customerSummary(
    env.DB,
    site.id,
    start,
    end,
    site.currency,
    site.lapseDays * DAY_MS,
  )
  return {
    total: summary.total,
    repeatRate: ratio(summary.repeaters, summary.total),
    medianDaysBetweenPurchases: summary.median_gap === null ? null : summary.median_gap / DAY_MS,
    lapsedRate: ratio(summary.lapsed, summary.total),
    revenuePerCustomer: ratio(fromMicros(summary.revenue_micros), summary.total),
    retentionRate: ratio(summary.active_at_end - summary.new_in_range, summary.active_at_start),
    activeAtStart: summary.active_at_start,
    activeAtEnd: summary.active_at_end,
    newInRange: summary.new_in_range,
  }
}

function toArm(row: OfferArmRow | undefined): OfferArm {
  const exposed = row?.exposed ?? 0
  const converted = row?.converted ?? 0
  const revenueMicros = row?.revenue_micros ?? 0
  const discountMicros = row?.discount_micros ?? 0
  return {
    exposed,
    converted,
    conversionRate: ratio(converted, exposed),
    revenue: fromMicros(revenueMicros),
    discount: fromMicros(discountMicros),
    netRevenuePerExposed: ratio(fromMicros(revenueMicros - discountMicros), exposed),
  }
}

/** Months from a cohort's month to the last month of the range, with the share active in each. */
function toCohorts(
  rows: { cohort: string; month: string; customers: number }[],
  lastMonth: string,
): Cohort[] {
  const cohorts = new Map<string, Cohort>()
  for (const row of rows) {
    if (row.cohort > lastMonth) continue
    const cohort = cohorts.get(row.cohort) ?? { month: row.cohort, customers: 0, later: [] }
    if (row.month === row.cohort) cohort.customers = row.customers
    cohorts.set(row.cohort, cohort)
  }
  for (const cohort of cohorts.values()) {
    for (
      let month = addMonths(cohort.month, 1), after = 1;
      month <= lastMonth;
      month = addMonths(month, 1), after++
    ) {
      const customers =
        rows.find((row) => row.cohort === cohort.month && row.month === month)?.customers ?? 0
      cohort.later.push({
        month,
        monthsAfter: after,
        customers,
        share: customers / cohort.customers,
      })
    }
  }
  return [...cohorts.values()]
}

function addMonths(month: string, count: number): string {
  const [year, monthIndex] = month.split('-').map(Number) as [number, number]
  const date = new Date(Date.UTC(year, monthIndex - 1 + count, 1))
  return date.toISOString().slice(0, 7)
}
