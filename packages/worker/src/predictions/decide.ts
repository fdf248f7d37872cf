import type { PreviewPredictions, Profile } from '@stammis/contract'
import type { PersonPredictionInputs } from '../ledger/client'
import { DAY_MS } from '../lib/days'
import { localDay } from '../lib/time-zone'
import type { PredictionFacts } from '../rules/match'
import type { Site } from '../sites/site'
import { predictionFacts } from './person'

/** What decide's prediction conditions read: the person's facts, and those an offer may trust. */
export type DecidePredictions = {
  facts: PredictionFacts | null
  /**
   * The facts again when they rest on verified purchases only (the site counts only verified
   * orders), else null: a coded offer behind a prediction condition is then withheld, as no code
   * may be unlocked with purchases faked in a browser.
   */
  verifiedFacts: PredictionFacts | null
}

export const NO_PREDICTIONS: DecidePredictions = { facts: null, verifiedFacts: null }

/**
 * The person's prediction facts for decide, on the site's local today, from the inputs the ledger
 * returned with the decide context and the fit cached with the site: closed forms, no read.
 * @example decidePredictions(context.predictionInputs, site, Date.now())
 */
export function decidePredictions(
  inputs: PersonPredictionInputs | null,
  site: Pick<Site, 'timeZone' | 'trustBrowserPurchases' | 'predictionFit'>,
  now: number,
): DecidePredictions {
  // Nothing to compute (and no local day to format) for someone who never bought or a site with no fit.
  if (!inputs || !site.predictionFit) return NO_PREDICTIONS
  const facts = predictionFacts(inputs, site.predictionFit, localDay(now, site.timeZone))
  return { facts, verifiedFacts: site.trustBrowserPurchases ? null : facts }
}

/**
 * The facts a preview assumes from the marketer's example figures (contract:
 * `PreviewPredictionsSchema`): absent ones at their defaults, days since the last purchase from
 * the previewed profile's last purchase. Null when none were given.
 * @example previewPredictions({ clvPercentile: 95 }, profile, Date.now()) // { pAlive: 1, predictedClv: 0, clvPercentile: 95, ... }
 */
export function previewPredictions(
  given: PreviewPredictions | undefined,
  profile: Profile,
  now: number,
): PredictionFacts | null {
  if (!given) return null
  const lastPurchaseAt = profile.lastPurchaseAt ? Date.parse(profile.lastPurchaseAt) : now
  return {
    pAlive: given.pAlive ?? 1,
    predictedClv: given.predictedClv ?? 0,
    clvPercentile: given.clvPercentile ?? 0,
    daysSinceLastPurchase:
      given.daysSinceLastPurchase ?? Math.max(Math.floor((now - lastPurchaseAt) / DAY_MS), 0),
    dueForReorder: given.dueForReorder ?? false,
  }
}
