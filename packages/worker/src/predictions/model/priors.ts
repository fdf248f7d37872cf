// Small shops: below SMALL_SHOP_CUSTOMERS customers a maximum-likelihood fit is noise (a handful
// of customers can put the BG/NBD parameters anywhere on a flat ridge), so the fit is shrunk
// toward documented prior parameters.
//
// Method: maximum a posteriori on the optimiser's log parameters θ. Each log parameter gets a
// normal prior centred on the prior value with variance PRIOR_LOG_SD² / k, where the prior counts
// as k = max(N − n, 1) customers for n customers and N = SMALL_SHOP_CUSTOMERS: it speaks for the
// customers the shop lacks, each as sure of a parameter as "within a factor e". With one customer
// the fit is all but the prior; the pull fades linearly to that of one customer at N and stays
// there, so there is no jump at the threshold. One customer's worth is nothing for a real fit (on
// CDNOW's 2,357 customers it moves no parameter by 0.2%) but keeps medium shops off the edges of
// the search box: on 50 to 200 CDNOW customers the plain maximum likelihood sends a and b to 0,
// where the data cannot tell them apart and the closed forms become unstable.
//
// Priors: the BG/NBD estimates for CDNOW (Fader, Hardie & Lee 2005), a real retail benchmark in
// the same time unit (weeks). Gamma-Gamma: p and q of CDNOW (Fader, Hardie & Lee 2005, "RFM and
// CLV"), with the scale γ set from the shop's own mean spend per purchase day, because spend is in
// the shop's currency: the prior's mean spend p γ / (q − 1) equals the shop's mean.

import type { BgNbdParams, GammaGammaParams } from './params'

/** Below this many customers the fit is shrunk toward the priors (Gamma-Gamma: repeat customers). */
export const SMALL_SHOP_CUSTOMERS = 50

/** Standard deviation, in log space, of the prior that each missing customer stands for. */
export const PRIOR_LOG_SD = 1

/** BG/NBD prior: the CDNOW estimates, rounded to three significant digits. */
export const BGNBD_PRIOR: BgNbdParams = { r: 0.243, alpha: 4.41, a: 0.793, b: 2.43 }

/** Gamma-Gamma prior shape: CDNOW's p and q; the scale comes from the shop (gammaGammaPrior). */
export const GAMMA_GAMMA_PRIOR_SHAPE = { p: 6.25, q: 3.74 }

/**
 * The Gamma-Gamma prior for a shop whose purchase days average meanSpend: CDNOW's p and q, and γ
 * such that the prior's mean spend p γ / (q − 1) is meanSpend.
 * @example gammaGammaPrior(35.08) // { p: 6.25, q: 3.74, gamma: 15.38 }
 */
export function gammaGammaPrior(meanSpend: number): GammaGammaParams {
  const { p, q } = GAMMA_GAMMA_PRIOR_SHAPE
  return { p, q, gamma: (meanSpend * (q - 1)) / p }
}

/** A normal prior on the optimiser's log parameters: centre and precision (1 / variance). */
export interface LogPrior {
  centre: number[]
  precision: number
}

/** The least the prior counts for, in customers, however many the shop has. */
export const MIN_PRIOR_CUSTOMERS = 1

/**
 * How many customers the prior counts for in a fit on this many: max(N − n, 1).
 * @example priorCustomers(20) // 30
 */
export function priorCustomers(customers: number): number {
  return Math.max(MIN_PRIOR_CUSTOMERS, SMALL_SHOP_CUSTOMERS - customers)
}

/**
 * The normal prior on log parameters for a fit on this many customers.
 * @example logPrior([0, 0], 45) // { centre: [0, 0], precision: 5 }
 */
export function logPrior(centre: number[], customers: number): LogPrior {
  return { centre, precision: priorCustomers(customers) / PRIOR_LOG_SD ** 2 }
}

/**
 * −log prior density (up to a constant) of log parameters: precision / 2 · Σ (θ − centre)².
 * @example logPriorPenalty([0, 1], { centre: [0, 0], precision: 4 }) // 2
 */
export function logPriorPenalty(logParams: number[], prior: LogPrior | null): number {
  if (!prior || prior.precision === 0) return 0
  let sum = 0
  logParams.forEach((value, i) => (sum += (value - prior.centre[i]!) ** 2))
  return (prior.precision / 2) * sum
}
