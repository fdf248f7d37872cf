// Customer lifetime value over a horizon: expected purchases times expected spend, discounted.
//
// Method: weekly steps. Week k's expected purchase days are E[X(k) | x, tx, T] − E[X(k − 1) | …]
// (BG/NBD); each is worth the expected spend per purchase day (Gamma-Gamma) and is discounted to
// asOf at the end of its week, by (1 + yearly rate)^(k / WEEKS_PER_YEAR). A fractional last week
// is a shorter last step. Without a discount rate this is exactly E[X(H) | …] × spend. The value is
// revenue (the shop's currency), not margin: multiply by a margin for profit.

import { conditionalExpectedPurchases } from './bgnbd-predictions'
import { conditionalExpectedSpend } from './gamma-gamma'
import type { BgNbdParams, GammaGammaParams } from './params'

/** Weeks in a year of 365.25 days. */
export const WEEKS_PER_YEAR = 365.25 / 7
/** Longest CLV horizon: 10 years. Beyond it the model's stationarity is a guess. */
export const MAX_HORIZON_WEEKS = 520
/** Highest yearly discount rate accepted (100%). */
export const MAX_YEARLY_DISCOUNT_RATE = 1

/** A customer's history as the models read it: x, tx, T in weeks, mean spend of repeat days. */
export interface CustomerHistory {
  x: number
  tx: number
  T: number
  monetary: number
}

/** The horizon in weeks (0 < H ≤ MAX_HORIZON_WEEKS) and an optional yearly discount rate (0–1). */
export interface ClvOptions {
  horizonWeeks: number
  yearlyDiscountRate?: number
}

/**
 * CLV: the expected revenue from the customer in the next horizonWeeks, discounted to asOf.
 * @example
 * // The papers' parameters, CDNOW customer 0001, one year at 10%:
 * customerLifetimeValue(bgnbd, gammaGamma, { x: 2, tx: 213 / 7, T: 272 / 7, monetary: 22.35 }, { horizonWeeks: 52, yearlyDiscountRate: 0.1 })
 * // 36.76
 */
export function customerLifetimeValue(
  bgnbd: BgNbdParams,
  gammaGamma: GammaGammaParams,
  customer: CustomerHistory,
  { horizonWeeks, yearlyDiscountRate = 0 }: ClvOptions,
): number {
  checkClvOptions({ horizonWeeks, yearlyDiscountRate })
  const { x, tx, T, monetary } = customer
  const spend = conditionalExpectedSpend(gammaGamma, x, monetary)
  const expected = (t: number) => conditionalExpectedPurchases(bgnbd, x, tx, T, t)
  if (yearlyDiscountRate === 0) return expected(horizonWeeks) * spend
  const logDiscountPerWeek = Math.log1p(yearlyDiscountRate) / WEEKS_PER_YEAR
  let value = 0
  let previous = 0
  for (let week = 1; week - 1 < horizonWeeks; week++) {
    const end = Math.min(week, horizonWeeks)
    const cumulative = expected(end)
    value += (cumulative - previous) * Math.exp(-logDiscountPerWeek * end)
    previous = cumulative
  }
  return value * spend
}

/**
 * Throws RangeError unless 0 < horizonWeeks ≤ MAX_HORIZON_WEEKS and 0 ≤ rate ≤ MAX_YEARLY_DISCOUNT_RATE.
 * @example checkClvOptions({ horizonWeeks: 52, yearlyDiscountRate: 0.1 }) // fine
 */
export function checkClvOptions({ horizonWeeks, yearlyDiscountRate = 0 }: ClvOptions): void {
  if (!(horizonWeeks > 0 && horizonWeeks <= MAX_HORIZON_WEEKS)) {
    throw new RangeError(`horizonWeeks must be > 0 and ≤ ${MAX_HORIZON_WEEKS}, got ${horizonWeeks}`)
  }
  if (!(yearlyDiscountRate >= 0 && yearlyDiscountRate <= MAX_YEARLY_DISCOUNT_RATE)) {
    throw new RangeError(
      `yearlyDiscountRate must be between 0 and ${MAX_YEARLY_DISCOUNT_RATE}, got ${yearlyDiscountRate}`,
    )
  }
}
