// What the BG/NBD says about one customer, in closed form from the fitted parameters and the
// customer's (x, tx, T) (Fader, Hardie & Lee 2005, equations 9 and 10, and the conditional
// expectation of their appendix). No storage, no iteration beyond one hypergeometric series.

import { hyp2f1 } from './hypergeometric'
import type { BgNbdParams } from './params'

/** Below this distance of a from 1 the expectations are interpolated (their formula is 0/0 at a = 1). */
const NEAR_ONE = 1e-5

/**
 * P(alive): the probability that the customer has not dropped out by T. A customer without repeat
 * purchases (x = 0) cannot have dropped out yet in this model (dropout happens after a purchase),
 * so it is 1 for them.
 * @example pAlive({ r: 0.2426, alpha: 4.4135, a: 0.7929, b: 2.4258 }, 2, 30.43, 38.86) // 0.727
 */
export function pAlive(params: BgNbdParams, x: number, tx: number, T: number): number {
  checkHistory(x, tx, T)
  if (x === 0) return 1
  return 1 / (1 + Math.exp(logOddsDroppedOut(params, x, tx, T)))
}

/**
 * E[X(t) | x, tx, T]: the expected number of purchase days in the next t weeks of a customer with
 * this history (paper's worked example: x = 2, tx = 30.43, T = 38.86, t = 39 gives 1.226).
 * Throws HypergeometricConvergenceError in the extreme case where its series cannot be summed.
 * @example conditionalExpectedPurchases({ r: 0.2426, alpha: 4.4135, a: 0.7929, b: 2.4258 }, 2, 30.43, 38.86, 39) // 1.226
 */
export function conditionalExpectedPurchases(
  params: BgNbdParams,
  x: number,
  tx: number,
  T: number,
  t: number,
): number {
  checkHistory(x, tx, T)
  if (!(t >= 0) || !Number.isFinite(t))
    throw new RangeError(`the horizon t must be ≥ 0 weeks, got ${t}`)
  if (t === 0) return 0
  return nearOneSafe(params, (p) => {
    const { r, alpha, a, b } = p
    const z = t / (alpha + T + t)
    // (1 − z)^(r+x) = ((α + T) / (α + T + t))^(r+x), in log space.
    const decay = Math.exp((r + x) * Math.log1p(-z))
    const bracket = 1 - decay * hyp2f1(r + x, b + x, a + b + x - 1, z)
    const alive = x === 0 ? 1 : 1 / (1 + Math.exp(logOddsDroppedOut(p, x, tx, T)))
    return ((a + b + x - 1) / (a - 1)) * bracket * alive
  })
}

/**
 * E[X(t)]: the expected number of repeat purchase days in the first t weeks after a first
 * purchase, for a customer about whom nothing else is known (paper equation 7).
 * @example expectedPurchases({ r: 0.2426, alpha: 4.4135, a: 0.7929, b: 2.4258 }, 39) // 1.195
 */
export function expectedPurchases(params: BgNbdParams, t: number): number {
  if (!(t >= 0) || !Number.isFinite(t))
    throw new RangeError(`the horizon t must be ≥ 0 weeks, got ${t}`)
  if (t === 0) return 0
  return nearOneSafe(params, ({ r, alpha, a, b }) => {
    const z = t / (alpha + t)
    const bracket = 1 - Math.exp(r * Math.log1p(-z)) * hyp2f1(r, b, a + b - 1, z)
    return ((a + b - 1) / (a - 1)) * bracket
  })
}

/**
 * The customer's expected purchase rate per week if still alive: the posterior mean of λ given
 * alive at T, (r + x) / (α + T) (the gamma prior updated by x purchases in T weeks).
 * @example posteriorPurchaseRate({ r: 0.2426, alpha: 4.4135, a: 0.7929, b: 2.4258 }, 2, 38.86) // 0.0518
 */
export function posteriorPurchaseRate(params: BgNbdParams, x: number, T: number): number {
  return (params.r + x) / (params.alpha + T)
}

/** ln of the odds that a customer with x > 0 has dropped out: a/(b+x−1) ((α+T)/(α+tx))^(r+x). */
function logOddsDroppedOut(
  { r, alpha, a, b }: BgNbdParams,
  x: number,
  tx: number,
  T: number,
): number {
  return Math.log(a) - Math.log(b + x - 1) + (r + x) * (Math.log(alpha + T) - Math.log(alpha + tx))
}

/**
 * The expectations carry a factor 1 / (a − 1) times a bracket that vanishes at a = 1: near it,
 * interpolate linearly between a = 1 ± NEAR_ONE, where cancellation costs about 1e-11 relative
 * and the interpolation about NEAR_ONE² = 1e-10.
 */
function nearOneSafe(params: BgNbdParams, formula: (params: BgNbdParams) => number): number {
  if (Math.abs(params.a - 1) >= NEAR_ONE) return formula(params)
  const below = formula({ ...params, a: 1 - NEAR_ONE })
  const above = formula({ ...params, a: 1 + NEAR_ONE })
  return below + ((params.a - (1 - NEAR_ONE)) / (2 * NEAR_ONE)) * (above - below)
}

/** A customer's history must be possible: x a whole number ≥ 0, 0 ≤ tx ≤ T, and tx = 0 when x = 0. */
function checkHistory(x: number, tx: number, T: number): void {
  if (!Number.isInteger(x) || x < 0) throw new RangeError(`x must be a whole number ≥ 0, got ${x}`)
  if (!(tx >= 0 && tx <= T && Number.isFinite(T)))
    throw new RangeError(`need 0 ≤ tx ≤ T, got tx ${tx}, T ${T}`)
  if (x === 0 && tx !== 0) throw new RangeError(`tx must be 0 without repeat purchases, got ${tx}`)
}
