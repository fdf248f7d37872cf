// Gamma-Gamma spend model (Fader, Hardie & Lee 2005, "RFM and CLV: Using Iso-Value Curves for
// Customer Base Analysis", and Fader & Hardie's note "The Gamma-Gamma Model of Monetary Value"):
// fitted on customers with repeat purchases, from x and the mean spend m of those x purchase days.
//
//   ln f(m | p, q, γ, x) = ln Γ(px + q) − ln Γ(px) − ln Γ(q) + q ln γ + (px − 1) ln m + px ln x
//     − (px + q) ln(γ + m x)
//
// q is searched as 1 + e^θ, so q > 1: the population's mean spend p γ / (q − 1) is then finite,
// which the spend of a customer without repeat purchases and every CLV need.

import { logGamma } from './gamma-function'
import { nelderMead } from './nelder-mead'
import type { GammaGammaParams } from './params'
import { type LogPrior, logPriorPenalty } from './priors'

const LOG_PARAM_LIMIT = 20

/** One customer with repeat purchases: x repeat purchase days with mean spend `monetary` > 0. */
export interface SpendObservation {
  x: number
  monetary: number
}

/** A fit's outcome; logLikelihood is that of the data alone. */
export interface GammaGammaFit {
  params: GammaGammaParams
  logLikelihood: number
  converged: boolean
  evaluations: number
}

/**
 * The total Gamma-Gamma log-likelihood of customers with repeat purchases.
 * @example gammaGammaLogLikelihood({ p: 6.25, q: 3.74, gamma: 15.44 }, [{ x: 2, monetary: 22.35 }]) // −3.551
 */
export function gammaGammaLogLikelihood(
  params: GammaGammaParams,
  observations: readonly SpendObservation[],
): number {
  return makeTotalLogLikelihood(observations)(params)
}

/**
 * Maximum-likelihood (or, with a prior, maximum a posteriori) Gamma-Gamma parameters, by
 * Nelder-Mead on (ln p, ln(q − 1), ln γ). Starts from the prior when there is one, else from
 * p = 1, q = 2 and γ = the mean of m (so that the start's mean spend is the data's).
 * @example fitGammaGamma(repeatCustomers).params // CDNOW: p 6.25, q 3.74, γ 15.44
 */
export function fitGammaGamma(
  observations: readonly SpendObservation[],
  prior: LogPrior | null = null,
): GammaGammaFit {
  if (observations.length === 0 && !prior) {
    throw new RangeError('fitGammaGamma needs a customer with repeat purchases, or a prior')
  }
  observations.forEach(checkObservation)
  const total = makeTotalLogLikelihood(observations)
  const objective = (logParams: number[]) => {
    if (logParams.some((value) => Math.abs(value) > LOG_PARAM_LIMIT)) return Infinity
    return -total(fromLogParams(logParams)) + logPriorPenalty(logParams, prior)
  }
  const meanSpend = observations.reduce((sum, o) => sum + o.monetary, 0) / observations.length
  const start = prior?.centre ?? [0, 0, Math.log(meanSpend)]
  const result = nelderMead(objective, start)
  const params = fromLogParams(result.point)
  return {
    params,
    logLikelihood: total(params),
    converged: result.isConverged,
    evaluations: result.evaluations,
  }
}

/**
 * The optimiser's log parameters for given parameters (ln p, ln(q − 1), ln γ), e.g. for a prior.
 * @example toLogParams({ p: 6.25, q: 3.74, gamma: 15.44 }) // [1.8326, 1.0080, 2.7370]
 */
export function toLogParams({ p, q, gamma }: GammaGammaParams): number[] {
  return [Math.log(p), Math.log(q - 1), Math.log(gamma)]
}

/**
 * Expected spend per purchase day of a customer with x repeat purchase days averaging monetary:
 * the posterior mean p (γ + x m) / (p x + q − 1), a weighted average of the population mean and
 * the customer's own mean. For x = 0 it is the population mean p γ / (q − 1).
 * @example conditionalExpectedSpend({ p: 6.25, q: 3.74, gamma: 15.44 }, 2, 22.35) // 24.7
 */
export function conditionalExpectedSpend(
  { p, q, gamma }: GammaGammaParams,
  x: number,
  monetary: number,
): number {
  if (!Number.isInteger(x) || x < 0) throw new RangeError(`x must be a whole number ≥ 0, got ${x}`)
  // A mean spend of 0 (free repeat orders) cannot be fitted (ln 0) but has a posterior mean.
  if (!(monetary >= 0) || !Number.isFinite(monetary))
    throw new RangeError(`the mean spend must be ≥ 0, got ${monetary}`)
  if (x === 0) return (p * gamma) / (q - 1)
  return (p * (gamma + x * monetary)) / (p * x + q - 1)
}

function fromLogParams([p, q, gamma]: number[]): GammaGammaParams {
  return { p: Math.exp(p!), q: 1 + Math.exp(q!), gamma: Math.exp(gamma!) }
}

/** Terms that depend only on x are computed once per distinct x; ln m and ln x once per customer. */
function makeTotalLogLikelihood(
  observations: readonly SpendObservation[],
): (params: GammaGammaParams) => number {
  const xs = [...new Set(observations.map((o) => o.x))]
  const xIndex = observations.map((o) => xs.indexOf(o.x))
  const logX = observations.map((o) => Math.log(o.x))
  const logM = observations.map((o) => Math.log(o.monetary))
  const byX = new Float64Array(xs.length)

  return function totalLogLikelihood({ p, q, gamma }: GammaGammaParams): number {
    const base = -logGamma(q) + q * Math.log(gamma)
    xs.forEach((x, i) => (byX[i] = base + logGamma(p * x + q) - logGamma(p * x)))
    let sum = 0
    for (let i = 0; i < observations.length; i++) {
      const { x, monetary } = observations[i]!
      sum +=
        byX[xIndex[i]!]! +
        (p * x - 1) * logM[i]! +
        p * x * logX[i]! -
        (p * x + q) * Math.log(gamma + monetary * x)
    }
    return sum
  }
}

function checkObservation({ x, monetary }: SpendObservation): void {
  if (!Number.isInteger(x) || x < 1)
    throw new RangeError(`Gamma-Gamma needs x ≥ 1 repeat purchase days, got ${x}`)
  if (!(monetary > 0) || !Number.isFinite(monetary))
    throw new RangeError(`Gamma-Gamma needs a mean spend > 0, got ${monetary}`)
}
