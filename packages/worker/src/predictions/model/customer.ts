// Every per-customer figure at once, from the stored parameters and the customer's counters: no
// storage read, no iteration beyond the hypergeometric series (one per week of the CLV horizon
// when discounting).
//
// What each figure means:
// - pAlive: the probability the customer has not silently dropped out (1 until a repeat purchase).
// - expectedPurchases: the expected number of purchase days in the next horizonWeeks.
// - expectedSpendPerPurchase: the expected revenue of one future purchase day (the population
//   mean for customers without repeat purchases).
// - clv: the expected revenue in the next horizonWeeks, discounted to asOf (clv.ts).
// - expectedNextPurchaseAt: the day the next purchase is due at the customer's estimated rate
//   (reorder.ts); it may lie before asOf (overdue).

import { conditionalExpectedPurchases, pAlive } from './bgnbd-predictions'
import { checkClvOptions, type CustomerHistory, customerLifetimeValue } from './clv'
import { addDays, DAYS_PER_WEEK } from './days'
import { conditionalExpectedSpend } from './gamma-gamma'
import type { BgNbdParams, GammaGammaParams } from './params'
import { expectedNextPurchaseDay } from './reorder'

/** The default horizon for expected purchases and CLV: one year. */
export const DEFAULT_HORIZON_WEEKS = 52

/** The per-customer answer. */
export interface CustomerFigures {
  x: number
  tx: number
  T: number
  pAlive: number
  expectedPurchases: number
  expectedSpendPerPurchase: number
  clv: number
  expectedNextPurchaseAt: string
}

/**
 * All figures for one customer as of a day. tx and T are in weeks counted from whole days (see
 * summary.ts), so the last purchase day is asOf − 7 (T − tx) days.
 * @example
 * // CDNOW customer 0001 with the CDNOW fit, 52 weeks at 10% a year:
 * customerFigures({ bgnbd, gammaGamma }, { x: 2, tx: 213 / 7, T: 272 / 7, monetary: 22.345 }, { asOf: '1997-09-30', yearlyDiscountRate: 0.1 })
 * // { x: 2, tx: 30.43, T: 38.86, pAlive: 0.727, expectedPurchases: 1.559, expectedSpendPerPurchase: 24.66,
 * //   clv: 36.75, expectedNextPurchaseAt: '1997-12-15' }
 */
export function customerFigures(
  params: { bgnbd: BgNbdParams; gammaGamma: GammaGammaParams },
  customer: CustomerHistory,
  options: { asOf: string; horizonWeeks?: number; yearlyDiscountRate?: number },
): CustomerFigures {
  const { x, tx, T, monetary } = customer
  const horizonWeeks = options.horizonWeeks ?? DEFAULT_HORIZON_WEEKS
  const yearlyDiscountRate = options.yearlyDiscountRate ?? 0
  checkClvOptions({ horizonWeeks, yearlyDiscountRate })
  const lastDay = addDays(options.asOf, -Math.round(DAYS_PER_WEEK * (T - tx)))
  return {
    x,
    tx,
    T,
    pAlive: pAlive(params.bgnbd, x, tx, T),
    expectedPurchases: conditionalExpectedPurchases(params.bgnbd, x, tx, T, horizonWeeks),
    expectedSpendPerPurchase: conditionalExpectedSpend(params.gammaGamma, x, monetary),
    clv: customerLifetimeValue(params.bgnbd, params.gammaGamma, customer, {
      horizonWeeks,
      yearlyDiscountRate,
    }),
    expectedNextPurchaseAt: expectedNextPurchaseDay(params.bgnbd, { x, T, lastDay }),
  }
}
