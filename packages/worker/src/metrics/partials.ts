import {
  SEGMENTS,
  type Cohort,
  type CustomerMetrics,
  type MetricsReport,
  type OfferArm,
  type SegmentMetrics,
} from '@stammis/contract'
import type { CohortCell, CustomerPartial, MetricsPartial, OfferArmPartial } from '../ledger/client'
import { DAY_MS, nextDay } from '../lib/days'
import { fromMicros } from '../lib/money'
import { dayStart, localDay } from '../lib/time-zone'
import { conversionLift, ratio } from './stats'

/**
 * The metrics report of local days [from, to] from the ledger's mergeable parts: sums become
 * shares and rates here, in the worker, so the parts of several objects could be added first.
 * `heldOutRuleIds`: the live rules with a holdout (from D1); rules with a control arm in the range
 * are reported too.
 * @example reportFromPartial(site, '2026-11-01', '2026-11-30', await ledgerFor(env, site.id).metrics(ledgerSite(site), from, to), ['hero-offer'])
 */
export function reportFromPartial(
  site: { currency: string; timeZone: string },
  from: string,
  to: string,
  partial: MetricsPartial,
  heldOutRuleIds: readonly string[],
): MetricsReport {
  const totalRevenueMicros = partial.segments.reduce((sum, row) => sum + row.revenueMicros, 0)
  const totals = {
    visits: partial.segments.reduce((sum, row) => sum + row.visits, 0),
    orders: partial.segments.reduce((sum, row) => sum + row.orders, 0),
    revenue: fromMicros(totalRevenueMicros),
  }
  const segments = Object.fromEntries(
    SEGMENTS.map((segment): [string, SegmentMetrics] => {
      const row = partial.segments.find((candidate) => candidate.segment === segment)
      const visits = row?.visits ?? 0
      const orders = row?.orders ?? 0
      const revenueMicros = row?.revenueMicros ?? 0
      return [
        segment,
        {
          visitors: row?.visitors ?? 0,
          visits,
          orders,
          revenue: fromMicros(revenueMicros),
          conversionRate: ratio(row?.convertedVisits ?? 0, visits),
          aov: ratio(fromMicros(revenueMicros), orders),
          trafficShare: ratio(visits, totals.visits),
          revenueShare: ratio(revenueMicros, totalRevenueMicros),
        },
      ]
    }),
  ) as MetricsReport['segments']

  const arms = partial.offerArms
  const offerRules = new Set([
    ...arms.filter((row) => row.variant === 'control').map((row) => row.ruleId),
    ...heldOutRuleIds,
  ])
  const end = dayStart(nextDay(to), site.timeZone)
  return {
    from,
    to,
    currency: site.currency,
    timeZone: site.timeZone,
    segments,
    totals,
    customers: customerMetricsFromPartial(partial.customers),
    cohorts: toCohorts(partial.cohorts, localDay(end - 1, site.timeZone).slice(0, 7)),
    offers: [...offerRules].sort().map((ruleId) => {
      const treatment = toArm(
        arms.find((row) => row.ruleId === ruleId && row.variant === 'treatment'),
      )
      const control = toArm(arms.find((row) => row.ruleId === ruleId && row.variant === 'control'))
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
      events: partial.botDays.reduce((sum, day) => sum + day.events, 0),
      decides: partial.botDays.reduce((sum, day) => sum + day.decides, 0),
    },
    conflicts: partial.conflicts,
  }
}

/**
 * The customer metrics from the ledger's customer part. The median gap between purchase visits
 * is the mean of the two middle gaps (equal for an odd count).
 * @example customerMetricsFromPartial(await ledger.customerMetrics(site, day, day)).repeatRate
 */
export function customerMetricsFromPartial(partial: CustomerPartial): CustomerMetrics {
  const middle = partial.gaps.middle
  const median = middle ? (middle.lower + middle.upper) / 2 : null
  return {
    total: partial.total,
    repeatRate: ratio(partial.repeaters, partial.total),
    medianDaysBetweenPurchases: median === null ? null : median / DAY_MS,
    lapsedRate: ratio(partial.total - partial.activeAtEnd, partial.total),
    revenuePerCustomer: ratio(fromMicros(partial.revenueMicros), partial.total),
    retentionRate: ratio(partial.activeAtEnd - partial.newInRange, partial.activeAtStart),
    activeAtStart: partial.activeAtStart,
    activeAtEnd: partial.activeAtEnd,
    newInRange: partial.newInRange,
  }
}

function toArm(row: OfferArmPartial | undefined): OfferArm {
  const exposed = row?.exposed ?? 0
  const converted = row?.converted ?? 0
  const revenueMicros = row?.revenueMicros ?? 0
  const discountMicros = row?.discountMicros ?? 0
  return {
    exposed,
    converted,
    conversionRate: ratio(converted, exposed),
    revenue: fromMicros(revenueMicros),
    discount: fromMicros(discountMicros),
    netRevenuePerExposed: ratio(fromMicros(revenueMicros - discountMicros), exposed),
  }
}

/** Months from each cohort's month to the range's last month, with the share active in each. */
function toCohorts(cells: CohortCell[], lastMonth: string): Cohort[] {
  const cohorts = new Map<string, Cohort>()
  const count = new Map(cells.map((cell) => [`${cell.cohort}|${cell.month}`, cell.customers]))
  for (const cell of [...cells].sort((a, b) => a.cohort.localeCompare(b.cohort))) {
    if (cell.cohort > lastMonth || cohorts.has(cell.cohort)) continue
    cohorts.set(cell.cohort, {
      month: cell.cohort,
      customers: count.get(`${cell.cohort}|${cell.cohort}`) ?? 0,
      later: [],
    })
  }
  for (const cohort of cohorts.values()) {
    for (
      let month = addMonths(cohort.month, 1), after = 1;
      month <= lastMonth;
      month = addMonths(month, 1), after++
    ) {
      const customers = count.get(`${cohort.month}|${month}`) ?? 0
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
  return new Date(Date.UTC(year, monthIndex - 1 + count, 1)).toISOString().slice(0, 7)
}
