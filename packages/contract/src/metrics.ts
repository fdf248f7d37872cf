import { z } from 'zod'

const DaySchema = z.iso.date()

/** Query of `GET /v1/admin/metrics`: local calendar days, both inclusive (default: the last 30 days). */
export const MetricsQuerySchema = z
  .strictObject({ from: DaySchema.optional(), to: DaySchema.optional() })
  .refine((q) => !q.from || !q.to || q.from <= q.to, {
    message: 'from must not be after to',
    path: ['from'],
  })

export type SegmentMetrics = {
  /** Distinct visitors with a visit that began in the range in this segment. */
  visitors: number
  /** Visits that began in the range while the visitor was in this segment. */
  visits: number
  /** Orders placed in those visits. */
  orders: number
  /** Their revenue, in the site's currency. */
  revenue: number
  /** Visits with an order / visits (null without visits). */
  conversionRate: number | null
  /** Revenue / orders (null without orders). */
  aov: number | null
  /** This segment's visits / all visits in the range. */
  trafficShare: number | null
  /** This segment's revenue / all revenue in the range. */
  revenueShare: number | null
}

export type CustomerMetrics = {
  /** Customers with at least one order up to the end of the range. */
  total: number
  /** Share of them with purchases in two or more visits. */
  repeatRate: number | null
  /** Median days between one purchase visit and the customer's next. */
  medianDaysBetweenPurchases: number | null
  /** Share whose last purchase is older than the lapse window at the end of the range. */
  lapsedRate: number | null
  /** Revenue of all their orders / customers: historic lifetime value. */
  revenuePerCustomer: number | null
  /** (active customers at end − new customers in the range) / active customers at start. */
  retentionRate: number | null
  /** The parts of the retention rate. */
  activeAtStart: number
  activeAtEnd: number
  newInRange: number
}

export type Cohort = {
  /** Month of the first purchase, YYYY-MM. */
  month: string
  customers: number
  /** For each later month up to the range's end: the share of the cohort who purchased in it. */
  later: { month: string; monthsAfter: number; customers: number; share: number }[]
}

export type OfferArm = {
  /** Visitors whose first exposure to the rule fell in the range. */
  exposed: number
  /** Of them, visitors with an order within 7 days of their first exposure. */
  converted: number
  conversionRate: number | null
  /** Revenue of those orders (site currency). */
  revenue: number
  /** Discounts those orders report. */
  discount: number
  /** (revenue − discount) / exposed. */
  netRevenuePerExposed: number | null
}

export type OfferMetrics = {
  ruleId: string
  treatment: OfferArm
  control: OfferArm
  /** Treatment conversion rate − control conversion rate, with its 95% confidence interval. */
  lift: number | null
  liftLow: number | null
  liftHigh: number | null
  /** Treatment / control conversion rate − 1. */
  relativeLift: number | null
  /** The interval excludes zero. */
  isSignificant: boolean
  netRevenuePerExposedLift: number | null
}

export type MetricsReport = {
  from: string
  to: string
  currency: string
  timeZone: string
  segments: Record<'shopper' | 'returning' | 'repeat', SegmentMetrics>
  totals: { visits: number; orders: number; revenue: number }
  customers: CustomerMetrics
  cohorts: Cohort[]
  offers: OfferMetrics[]
  /** Requests from bots in the range, filtered out of everything above. */
  botsFiltered: { events: number; decides: number }
  /**
   * Browser-reported orders placed in the range that the shop's server reported differently
   * (another visitor or customer, revenue or currency): its version replaced the browser's.
   */
  conflicts: number
}
