// BG/NBD log-likelihood and its fit (Fader, Hardie & Lee 2005, "Counting Your Customers the Easy
// Way", equation 6), in log space:
//
//   ln L(r, α, a, b | x, tx, T) = ln Γ(r + x) − ln Γ(r) + r ln α + ln B(a, b + x) − ln B(a, b)
//     + ln( (α + T)^−(r+x) + [x > 0] a / (b + x − 1) (α + tx)^−(r+x) )
//
// The last term is a log-sum-exp of two logs, so it neither underflows for large x nor loses the
// smaller part.

import { logGamma } from './gamma-function'
import { nelderMead } from './nelder-mead'
import type { BgNbdParams } from './params'
import { type LogPrior, logPriorPenalty } from './priors'
import type { FrequencyGroup } from './summary'

/** Log parameters beyond ±LOG_PARAM_LIMIT (a factor of 4.9e8) are outside the search box. */
const LOG_PARAM_LIMIT = 20

/** A fit's outcome: the parameters, the data's log-likelihood there, and whether it converged. */
export interface BgNbdFit {
  params: BgNbdParams
  /** Log-likelihood of the data alone (without the prior's penalty when shrunk). */
  logLikelihood: number
  converged: boolean
  evaluations: number
}

/**
 * The BG/NBD log-likelihood of one customer.
 * @example bgnbdLogLikelihood({ r: 0.2426, alpha: 4.4135, a: 0.7929, b: 2.4258 }, 2, 30.43, 38.86) // −9.4597
 */
export function bgnbdLogLikelihood(params: BgNbdParams, x: number, tx: number, T: number): number {
  const { r, alpha, a, b } = params
  const shared =
    logGamma(r + x) -
    logGamma(r) +
    r * Math.log(alpha) +
    logGamma(a + b) +
    logGamma(b + x) -
    logGamma(b) -
    logGamma(a + b + x)
  const alive = -(r + x) * Math.log(alpha + T)
  if (x === 0) return shared + alive
  const droppedOut = Math.log(a) - Math.log(b + x - 1) - (r + x) * Math.log(alpha + tx)
  return shared + logSumExp(alive, droppedOut)
}

/**
 * The total log-likelihood of grouped customers, each group counted `count` times.
 * @example bgnbdTotalLogLikelihood(params, groupByFrequency(summary.customers)) // CDNOW: −9582.4
 */
export function bgnbdTotalLogLikelihood(
  params: BgNbdParams,
  groups: readonly FrequencyGroup[],
): number {
  return makeTotalLogLikelihood(groups)(params)
}

/**
 * Maximum-likelihood (or, with a prior, maximum a posteriori) BG/NBD parameters, by Nelder-Mead
 * on (ln r, ln α, ln a, ln b). Deterministic. Starts from the prior when there is one, else from
 * r = a = b = 1 and α = the mean age T (α is in weeks, so this makes the start scale-free).
 * @example fitBgNbd(groupByFrequency(summary.customers)).params // CDNOW: r 0.2426, α 4.4135, a 0.7929, b 2.4258
 */
export function fitBgNbd(
  groups: readonly FrequencyGroup[],
  prior: LogPrior | null = null,
): BgNbdFit {
  if (groups.length === 0) throw new RangeError('fitBgNbd needs at least one customer')
  const total = makeTotalLogLikelihood(groups)
  const fromLog = ([r, alpha, a, b]: number[]): BgNbdParams => ({
    r: Math.exp(r!),
    alpha: Math.exp(alpha!),
    a: Math.exp(a!),
    b: Math.exp(b!),
  })
  const objective = (logParams: number[]) => {
    if (logParams.some((value) => Math.abs(value) > LOG_PARAM_LIMIT)) return Infinity
    return -total(fromLog(logParams)) + logPriorPenalty(logParams, prior)
  }
  const customers = groups.reduce((sum, group) => sum + group.count, 0)
  const meanT = groups.reduce((sum, group) => sum + group.T * group.count, 0) / customers
  const start = prior?.centre ?? [0, Math.log(Math.max(meanT, 1)), 0, 0]
  const result = nelderMead(objective, start)
  const params = fromLog(result.point)
  return {
    params,
    logLikelihood: total(params),
    converged: result.isConverged,
    evaluations: result.evaluations,
  }
}

/**
 * The total log-likelihood as a function of the parameters, with everything that depends only on
 * the data prepared once: the terms that depend on x are computed once per distinct x, and the
 * logarithms of α + T and α + tx once per distinct T and tx, so an evaluation over CDNOW's 23,570
 * customers costs a few thousand logarithms.
 */
function makeTotalLogLikelihood(
  groups: readonly FrequencyGroup[],
): (params: BgNbdParams) => number {
  const [xs, xIndex] = distinctValues(groups.map((g) => g.x))
  const [Ts, TIndex] = distinctValues(groups.map((g) => g.T))
  const [txs, txIndex] = distinctValues(groups.map((g) => g.tx))
  const sharedByX = new Float64Array(xs.length)
  const dropoutByX = new Float64Array(xs.length)
  const logAlphaT = new Float64Array(Ts.length)
  const logAlphaTx = new Float64Array(txs.length)

  return function totalLogLikelihood({ r, alpha, a, b }: BgNbdParams): number {
    const base = -logGamma(r) + r * Math.log(alpha) + logGamma(a + b) - logGamma(b)
    xs.forEach((x, i) => {
      sharedByX[i] = base + logGamma(r + x) + logGamma(b + x) - logGamma(a + b + x)
      dropoutByX[i] = x > 0 ? Math.log(a) - Math.log(b + x - 1) : -Infinity
    })
    Ts.forEach((T, i) => (logAlphaT[i] = Math.log(alpha + T)))
    txs.forEach((tx, i) => (logAlphaTx[i] = Math.log(alpha + tx)))
    let sum = 0
    for (let g = 0; g < groups.length; g++) {
      const { x, count } = groups[g]!
      const xi = xIndex[g]!
      const alive = -(r + x) * logAlphaT[TIndex[g]!]!
      const value =
        x === 0 ? alive : logSumExp(alive, dropoutByX[xi]! - (r + x) * logAlphaTx[txIndex[g]!]!)
      sum += count * (sharedByX[xi]! + value)
    }
    return sum
  }
}

/** The distinct values, and for each input value the index of its distinct value. */
function distinctValues(values: number[]): [number[], number[]] {
  const indexByValue = new Map<number, number>()
  const indexes = values.map((value) => {
    let index = indexByValue.get(value)
    if (index === undefined) indexByValue.set(value, (index = indexByValue.size))
    return index
  })
  return [[...indexByValue.keys()], indexes]
}

/** ln(e^p + e^q) without overflow or underflow. */
function logSumExp(p: number, q: number): number {
  const high = Math.max(p, q)
  return high + Math.log1p(Math.exp(Math.min(p, q) - high))
}
