// Fits both models on a site's orders summary: the BG/NBD on every customer, the Gamma-Gamma on
// the customers with repeat purchases (and a mean spend above 0), each shrunk toward its prior
// below SMALL_SHOP_CUSTOMERS, and always with a prior worth one customer (see priors.ts). The
// answer has the shape the API will serve.

import { fitBgNbd } from './bgnbd'
import { fitGammaGamma, toLogParams } from './gamma-gamma'
import type { BgNbdParams, GammaGammaParams } from './params'
import {
  BGNBD_PRIOR,
  gammaGammaPrior,
  logPrior,
  priorCustomers,
  SMALL_SHOP_CUSTOMERS,
} from './priors'
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
    /** True below SMALL_SHOP_CUSTOMERS customers: the prior then counts for more than one. */
    shrunk: boolean
    prior: BgNbdParams
    /** How many customers the prior counted for: max(SMALL_SHOP_CUSTOMERS − customers, 1). */
    priorCustomers: number
  }
  gammaGamma: GammaGammaParams & {
    /** Customers the spend model was fitted on: x ≥ 1 and a mean spend above 0. */
    customers: number
    logLikelihood: number
    converged: boolean
    shrunk: boolean
    prior: GammaGammaParams
    priorCustomers: number
  }
}

/**
 * Fits BG/NBD and Gamma-Gamma on a summary (see summarizeOrders). Throws RangeError when no
 * customer bought on or before asOf: there is nothing to fit.
 * @example fitPredictionModels(summarizeOrders(orders, '1997-09-30')).bgnbd // CDNOW: { r: 0.2426, alpha: 4.4136, ... }
 */
export function fitPredictionModels(summary: OrdersSummary): PredictionFit {
  const customers = summary.customers.length
  if (customers === 0)
    throw new RangeError(`no customer bought on or before ${summary.asOf}: nothing to fit`)

  const bgnbd = fitBgNbd(
    groupByFrequency(summary.customers),
    logPrior(toLogBgNbd(BGNBD_PRIOR), customers),
  )

  const repeat = summary.customers
    .filter((c) => c.x > 0 && c.monetary > 0)
    .map(({ x, monetary }) => ({ x, monetary }))
  const spendPrior = gammaGammaPrior(summary.revenue / summary.purchaseDays)
  // Without any revenue (only free orders) there is no spend scale to fit: expected spend is 0.
  const gammaGamma =
    spendPrior.gamma > 0
      ? fitGammaGamma(repeat, logPrior(toLogParams(spendPrior), repeat.length))
      : { params: spendPrior, logLikelihood: 0, converged: true }

  return {
    asOf: summary.asOf,
    customers,
    timeUnit: 'week',
    bgnbd: {
      ...bgnbd.params,
      logLikelihood: bgnbd.logLikelihood,
      converged: bgnbd.converged,
      shrunk: customers < SMALL_SHOP_CUSTOMERS,
      prior: BGNBD_PRIOR,
      priorCustomers: priorCustomers(customers),
    },
    gammaGamma: {
      ...gammaGamma.params,
      customers: repeat.length,
      logLikelihood: gammaGamma.logLikelihood,
      converged: gammaGamma.converged,
      shrunk: repeat.length < SMALL_SHOP_CUSTOMERS,
      prior: spendPrior,
      priorCustomers: priorCustomers(repeat.length),
    },
  }
}

function toLogBgNbd({ r, alpha, a, b }: BgNbdParams): number[] {
  return [Math.log(r), Math.log(alpha), Math.log(a), Math.log(b)]
}
