import { z } from 'zod'

const DaySchema = z.iso.date()

/** Query of `GET /v1/admin/metrics`: local calendar days, both inclusive (default: the last 30 days). */
export const MetricsQuerySchema = z
  .strictObject({ from: DaySchema.optional(), to: DaySchema.optional() })
  .refine((q) => !q.from || !q.to || q.from <= q.to, {
    message: 'from must not be after to',
    path: ['from'],
  })

const CountSchema = z.number().int().nonnegative()
/** A ratio or average, null when its denominator is zero. */
const RatioSchema = z.number().nullable()

export const SegmentMetricsSchema = z.strictObject({
  /** Distinct visitors with a visit that began in the range in this segment. */
  visitors: CountSchema,
  /** Visits that began in the range while the visitor was in this segment. */
  visits: CountSchema,
  /** Orders placed in those visits. */
  orders: CountSchema,
  /** Their revenue, in the site's currency. */
  revenue: z.number(),
  /** Visits with an order / visits (null without visits). */
  conversionRate: RatioSchema,
  /** Revenue / orders (null without orders). */
  aov: RatioSchema,
  /** This segment's visits / all visits in the range. */
  trafficShare: RatioSchema,
  /** This segment's revenue / all revenue in the range. */
  revenueShare: RatioSchema,
})

export const CustomerMetricsSchema = z.strictObject({
  /** Customers with at least one order up to the end of the range. */
  total: CountSchema,
  /** Share of them with purchases in two or more visits. */
  repeatRate: RatioSchema,
  /** Median days between one purchase visit and the customer's next. */
  medianDaysBetweenPurchases: RatioSchema,
  /** Share whose last purchase is older than the lapse window at the end of the range. */
  lapsedRate: RatioSchema,
  /** Revenue of all their orders / customers: historic lifetime value. */
  revenuePerCustomer: RatioSchema,
  /** (active customers at end − new customers in the range) / active customers at start. */
  retentionRate: RatioSchema,
  /** The parts of the retention rate. */
  activeAtStart: CountSchema,
  activeAtEnd: CountSchema,
  newInRange: CountSchema,
})

export const CohortSchema = z.strictObject({
  /** Month of the first purchase, YYYY-MM. */
  month: z.string().regex(/^\d{4}-\d{2}$/),
  customers: CountSchema,
  /** For each later month up to the range's end: the share of the cohort who purchased in it. */
  later: z.array(
    z.strictObject({
      month: z.string().regex(/^\d{4}-\d{2}$/),
      monthsAfter: z.number().int().positive(),
      customers: CountSchema,
      share: z.number(),
    }),
  ),
})

export const OfferArmSchema = z.strictObject({
  /** Visitors whose first exposure to the rule fell in the range. */
  exposed: CountSchema,
  /** Of them, visitors with an order within 7 days of their first exposure. */
  converted: CountSchema,
  conversionRate: RatioSchema,
  /** Revenue of those orders (site currency). */
  revenue: z.number(),
  /** Discounts those orders report. */
  discount: z.number(),
  /** (revenue − discount) / exposed. */
  netRevenuePerExposed: RatioSchema,
})

export const OfferMetricsSchema = z.strictObject({
  ruleId: z.string(),
  treatment: OfferArmSchema,
  control: OfferArmSchema,
  /** Treatment conversion rate − control conversion rate, with its 95% confidence interval. */
  lift: RatioSchema,
  liftLow: RatioSchema,
  liftHigh: RatioSchema,
  /** Treatment / control conversion rate − 1. */
  relativeLift: RatioSchema,
  /** The interval excludes zero. */
  isSignificant: z.boolean(),
  netRevenuePerExposedLift: RatioSchema,
})

/**
 * Answer of `GET /v1/admin/metrics`: every metric for the local days [from, to].
 * @example { from: '2026-11-01', to: '2026-11-30', currency: 'USD', timeZone: 'UTC', segments: { shopper: { ... }, returning: { ... }, repeat: { ... } }, totals: { visits: 120, orders: 9, revenue: 540 }, customers: { ... }, cohorts: [], offers: [], botsFiltered: { events: 0, decides: 0 }, conflicts: 0 }
 */
export const MetricsReportSchema = z.strictObject({
  from: DaySchema,
  to: DaySchema,
  currency: z.string(),
  timeZone: z.string(),
  segments: z.strictObject({
    shopper: SegmentMetricsSchema,
    returning: SegmentMetricsSchema,
    repeat: SegmentMetricsSchema,
  }),
  totals: z.strictObject({ visits: CountSchema, orders: CountSchema, revenue: z.number() }),
  customers: CustomerMetricsSchema,
  cohorts: z.array(CohortSchema),
  offers: z.array(OfferMetricsSchema),
  /** Requests from bots in the range, filtered out of everything above. */
  botsFiltered: z.strictObject({ events: CountSchema, decides: CountSchema }),
  /**
   * Browser-reported orders placed in the range that the shop's server reported differently
   * (another visitor or customer, revenue or currency): its version replaced the browser's.
   */
  conflicts: CountSchema,
})

export type MetricsQuery = z.infer<typeof MetricsQuerySchema>
export type SegmentMetrics = z.infer<typeof SegmentMetricsSchema>
export type CustomerMetrics = z.infer<typeof CustomerMetricsSchema>
export type Cohort = z.infer<typeof CohortSchema>
export type OfferArm = z.infer<typeof OfferArmSchema>
export type OfferMetrics = z.infer<typeof OfferMetricsSchema>
export type MetricsReport = z.infer<typeof MetricsReportSchema>
