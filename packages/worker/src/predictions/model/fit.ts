// Fits both models on a site's orders summary: the BG/NBD on every customer, the Gamma-Gamma on
// the customers with repeat purchases (and a mean spend above 0), each shrunk toward its prior
// below SMALL_SHOP_CUSTOMERS (see priors.ts). The answer has the shape the API will serve.

import { fitBgNbd } from './bgnbd'
import { fitGammaGamma, toLogParams } from './gamma-gamma'
import type { BgNbdParams, GammaGammaParams } from './params'
import { BGNBD_PRIOR, gammaGammaPrior, type LogPrior, priorPrecision } from './priors'
import { groupByFrequency, type OrdersSummary } from './summary'

/** Fitted parameters with what a reader needs to trust them. */
export interface PredictionFit {
  asOf: string
  /** Customers with a purchase on or before asOf. */
  customers: number
  timeUnit: 'week'
  bgnbd: BgNbdParams & {
    /** Log-likelihood of the data at these parameters (the prior's penalty not included). */
    logLikelihood: number
    converged: boolean
    /** True when there were fewer than SMALL_SHOP_CUSTOMERS customers; then `prior` is set. */
    shrunk: boolean
    prior: BgNbdParams | null
  }
  gammaGamma: GammaGammaParams & {
    /** Customers the spend model was fitted on: x ≥ 1 and a mean spend above 0. */
    customers: number
    logLikelihood: number
    converged: boolean
    shrunk: boolean
    prior: GammaGammaParams | null
  }
}

/**
 * Fits BG/NBD and Gamma-Gamma on a summary (see summarizeOrders). Throws RangeError when no
 * customer bought on or before asOf: there is nothing to fit.
 * @example fitPredictionModels(summarizeOrders(orders, '1997-09-30')).bgnbd // CDNOW: { r: 0.2426, alpha: 4.4136, ... }
 */
export function fitPredictionModels(summary: OrdersSummary): PredictionFit {
  const customers = summary.customers.length
  if (customers === 0) throw new RangeError(`no customer bought on or before ${summary.asOf}: nothing to fit`)

  const bgnbdPrior = shrinkage(customers, toLogBgNbd(BGNBD_PRIOR))
  const bgnbd = fitBgNbd(groupByFrequency(summary.customers), bgnbdPrior)

  const repeat = summary.customers.filter((c) => c.x > 0 && c.monetary > 0).map(({ x, monetary }) => ({ x, monetary }))
  const spendPrior = gammaGammaPrior(summary.revenue / summary.purchaseDays)
  // A shop whose purchase days all have revenue 0 has no spend scale: then spend is 0.
  const hasSpend = spendPrior.gamma > 0
  const gammaGammaPriorUsed = hasSpend ? shrinkage(repeat.length, toLogParams(spendPrior)) : null
  const gammaGamma = hasSpend ? fitGammaGamma(repeat, gammaGammaPriorUsed) : null

  return {
    asOf: summary.asOf,
    customers,
    timeUnit: 'week',
    bgnbd: {
      ...bgnbd.params,
      logLikelihood: bgnbd.logLikelihood,
      converged: bgnbd.converged,
      shrunk: bgnbdPrior !== null,
      prior: bgnbdPrior ? BGNBD_PRIOR : null,
    },
    gammaGamma: {
      ...(gammaGamma?.params ?? { p: spendPrior.p, q: spendPrior.q, gamma: 0 }),
      customers: repeat.length,
      logLikelihood: gammaGamma?.logLikelihood ?? 0,
      converged: gammaGamma?.converged ?? true,
      shrunk: gammaGammaPriorUsed !== null || !hasSpend,
      prior: gammaGammaPriorUsed || !hasSpend ? spendPrior : null,
    },
  }
}

/** The prior to shrink toward for a fit on this many customers, or null from the threshold on. */
function shrinkage(customers: number, centre: number[]): LogPrior | null {
  const precision = priorPrecision(customers)
  return precision > 0 ? { centre, precision } : null
}

function toLogBgNbd({ r, alpha, a, b }: BgNbdParams): number[] {
  return [Math.log(r), Math.log(alpha), Math.log(a), Math.log(b)]
}
