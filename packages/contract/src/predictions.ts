import { z } from 'zod'

const DaySchema = z.iso.date()

/** Body of `POST /v1/admin/predictions/fit`: orders after `asOf` are ignored (default: today, site time zone). */
export const PredictionFitRequestSchema = z.strictObject({ asOf: DaySchema.optional() })

/**
 * Answer of `POST /v1/admin/predictions/fit` and `GET /v1/admin/predictions/fit` (the latest):
 * BG/NBD and Gamma-Gamma per site, in weeks. Below `threshold` customers the fit is shrunk toward
 * documented priors (`shrunk: true`).
 * @example { asOf: '1997-09-30', customers: 2357, timeUnit: 'week',
 *   bgnbd: { r: 0.2426, alpha: 4.4136, a: 0.7929, b: 2.4259, logLikelihood: -9582.43 },
 *   gammaGamma: { p: 6.244, q: 3.745, gamma: 15.46, customers: 946 },
 *   shrunk: false, threshold: 50, fittedAt: '2026-11-29T23:00:00.000Z', fitMs: 640 }
 */
export const PredictionFitSchema = z.strictObject({
  asOf: DaySchema,
  customers: z.number().int().nonnegative(),
  timeUnit: z.literal('week'),
  bgnbd: z.strictObject({
    r: z.number(),
    alpha: z.number(),
    a: z.number(),
    b: z.number(),
    logLikelihood: z.number(),
  }),
  gammaGamma: z.strictObject({
    p: z.number(),
    q: z.number(),
    gamma: z.number(),
    customers: z.number().int().nonnegative(),
  }),
  /** True when either model had fewer customers than `threshold`: pulled toward its priors. */
  shrunk: z.boolean(),
  /** The small-shop threshold in customers (`SMALL_SHOP_CUSTOMERS`). */
  threshold: z.number().int().positive(),
  fittedAt: z.string(),
  /** Wall time of reading the summary and fitting, in milliseconds. */
  fitMs: z.number().nonnegative(),
})

/** Query of `GET /v1/admin/customers/:customerId/prediction`. */
export const CustomerPredictionQuerySchema = z.strictObject({
  asOf: DaySchema.optional(),
  horizonDays: z.coerce.number().int().min(1).max(3640).optional(),
})

/**
 * One customer's figures from the site's latest fit, as of a day (default today).
 * @example { x: 2, tx: 30.43, T: 38.86, pAlive: 0.727, expectedPurchases: 1.56,
 *   expectedSpendPerPurchase: 24.66, clv: 38.4, expectedNextPurchaseAt: '1997-12-15' }
 */
export const CustomerPredictionSchema = z.strictObject({
  x: z.number().int().nonnegative(),
  tx: z.number().nonnegative(),
  T: z.number().nonnegative(),
  pAlive: z.number().min(0).max(1),
  expectedPurchases: z.number().nonnegative(),
  expectedSpendPerPurchase: z.number().nonnegative(),
  clv: z.number().nonnegative(),
  expectedNextPurchaseAt: DaySchema,
})

/** `PATCH /v1/admin/site` `predictions`: the at-risk threshold on P(alive) (default 0.5). */
export const PredictionSettingsSchema = z.strictObject({
  atRiskBelow: z.number().gt(0).lt(1),
})

export type PredictionFitRequest = z.infer<typeof PredictionFitRequestSchema>
export type PredictionFitAnswer = z.infer<typeof PredictionFitSchema>
export type CustomerPredictionQuery = z.infer<typeof CustomerPredictionQuerySchema>
export type CustomerPrediction = z.infer<typeof CustomerPredictionSchema>
export type PredictionSettings = z.infer<typeof PredictionSettingsSchema>
