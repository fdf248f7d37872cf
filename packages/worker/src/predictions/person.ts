import type { PersonPredictionInputs } from '../ledger/client'
import { daysBetween } from '../lib/days'
import { fromMicros } from '../lib/money'
import type { PredictionFacts } from '../rules/match'
import type { SitePredictionFit } from '../sites/site'
import {
  customerLifetimeValue,
  daysSinceLastPurchase,
  DEFAULT_HORIZON_WEEKS,
  isDueForReorder,
  pAlive,
  percentileOf,
  reorderGapDays,
  type CustomerHistory,
} from './model'

/**
 * From a person's stored inputs (the ledger's `people` row) and the site's fit to what the rules'
 * prediction conditions compare: closed forms only, no read. Pure.
 */

export type { PredictionFacts }

/**
 * x, tx, T (weeks) and monetary (mean revenue of repeat purchase days) as of `today`, from the
 * stored inputs: the same conventions as the fit's summary. A purchase after `today` (a clock
 * or time-zone edge) is read as on `today`.
 * @example personHistory({ purchaseDays: 3, firstPurchaseDay: '1997-01-01', lastPurchaseDay: '1997-08-02', revenueMicros: 74_000_000, firstDayRevenueMicros: 29_330_000, medianGapDays: 105.5 }, '1997-09-30')
 * // { x: 2, tx: 30.43, T: 38.86, monetary: 22.335 }
 */
export function personHistory(inputs: PersonPredictionInputs, today: string): CustomerHistory {
  const x = inputs.purchaseDays - 1
  const age = Math.max(daysBetween(inputs.firstPurchaseDay, today), 0)
  const recency = Math.min(daysBetween(inputs.firstPurchaseDay, inputs.lastPurchaseDay), age)
  return {
    x,
    tx: recency / 7,
    T: age / 7,
    monetary: x === 0 ? 0 : fromMicros(inputs.revenueMicros - inputs.firstDayRevenueMicros) / x,
  }
}

/**
 * The prediction facts of a person on `today` (their local day): null for someone without a
 * purchase or a site without a fit, so no prediction condition matches them.
 * @example predictionFacts(inputs, fit, '2026-11-29') // { pAlive: 0.72, predictedClv: 38.4, clvPercentile: 91, daysSinceLastPurchase: 12, dueForReorder: false }
 */
export function predictionFacts(
  inputs: PersonPredictionInputs | null,
  fit: SitePredictionFit | null,
  today: string,
): PredictionFacts | null {
  if (!inputs || !fit) return null
  const history = personHistory(inputs, today)
  const predictedClv = customerLifetimeValue(fit.bgnbd, fit.gammaGamma, history, {
    horizonWeeks: DEFAULT_HORIZON_WEEKS,
  })
  const lastDay = inputs.lastPurchaseDay < today ? inputs.lastPurchaseDay : today
  return {
    pAlive: pAlive(fit.bgnbd, history.x, history.tx, history.T),
    predictedClv,
    clvPercentile: percentileOf(predictedClv, fit.clvCuts),
    daysSinceLastPurchase: daysSinceLastPurchase(today, lastDay),
    dueForReorder: isDueForReorder({
      today,
      lastDay,
      gapDays: reorderGapDays(fit.bgnbd, {
        x: history.x,
        T: history.T,
        medianGapDays: inputs.medianGapDays,
      }),
    }),
  }
}

/**
 * The median 52-week CLV of a fit's customers: the 50th of its 1st to 99th percentile cuts (0 for
 * a fit without cuts).
 * @example clvMedianOf(fit.clvCuts)
 */
export function clvMedianOf(clvCuts: readonly number[]): number {
  return clvCuts[49] ?? 0
}

/**
 * At risk: probably slipping away (P(alive) below the site's threshold) while worth more than the
 * median customer. The dashboard lists them and the moment scan sends `customer.at_risk`.
 * @example isAtRisk({ pAlive: 0.3, clv: 120 }, { atRiskBelow: 0.5, clvMedian: 80 }) // true
 */
export function isAtRisk(
  figures: { pAlive: number; clv: number },
  site: { atRiskBelow: number; clvMedian: number },
): boolean {
  return figures.pAlive < site.atRiskBelow && figures.clv > site.clvMedian
}
