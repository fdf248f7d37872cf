import { describe, expect, it } from 'vitest'
import { pAlive } from './model'
import type { SitePredictionFit } from '../sites/site'
import { personHistory, predictionFacts } from './person'

// CDNOW customer 0001 (bought 1997-01-01, -01-18 and -08-02) with the papers' parameters.
const fit: SitePredictionFit = {
  bgnbd: { r: 0.2426, alpha: 4.4135, a: 0.7929, b: 2.4258 },
  gammaGamma: { p: 6.25, q: 3.74, gamma: 15.44 },
  clvCuts: Array.from({ length: 99 }, (_, i) => i + 1), // CLV 1 … 99
}
const customer0001 = {
  purchaseDays: 3,
  firstPurchaseDay: '1997-01-01',
  lastPurchaseDay: '1997-08-02',
  revenueMicros: 74_020_000,
  firstDayRevenueMicros: 29_330_000,
  medianGapDays: null,
}

describe('a person’s history and facts from stored inputs', () => {
  it('gives the papers’ x, tx, T and the mean spend of repeat days', () => {
    const history = personHistory(customer0001, '1997-09-30')
    expect(history.x).toBe(2)
    expect(history.tx).toBeCloseTo(30.43, 2)
    expect(history.T).toBeCloseTo(38.86, 2)
    expect(history.monetary).toBeCloseTo((74.02 - 29.33) / 2, 9)
  })

  it('gives P(alive), 52-week CLV, its percentile, days since the last purchase and reorder', () => {
    const facts = predictionFacts(customer0001, fit, '1997-09-30')!
    expect(facts.pAlive).toBeCloseTo(pAlive(fit.bgnbd, 2, 213 / 7, 272 / 7), 12)
    expect(facts.predictedClv).toBeGreaterThan(30)
    expect(facts.predictedClv).toBeLessThan(45)
    expect(facts.clvPercentile).toBe(Math.floor(facts.predictedClv))
    expect(facts.daysSinceLastPurchase).toBe(59)
    // The model's gap, 7 (α + T) / (r + x), is about 135 days now: 59 days is far from it.
    expect(facts.dueForReorder).toBe(false)
    // It grows with T; about 196 days after the last purchase the two meet (1998-02-14).
    expect(predictionFacts(customer0001, fit, '1998-02-14')!.dueForReorder).toBe(true)
  })

  it('uses the customer’s own median gap once there are two gaps', () => {
    const weekly = { ...customer0001, lastPurchaseDay: '1997-09-23', medianGapDays: 7 }
    expect(predictionFacts(weekly, fit, '1997-09-30')!.dueForReorder).toBe(true)
    expect(predictionFacts(weekly, fit, '1997-09-26')!.dueForReorder).toBe(false)
  })

  it('is null without a purchase or without a fit', () => {
    expect(predictionFacts(null, fit, '1997-09-30')).toBeNull()
    expect(predictionFacts(customer0001, null, '1997-09-30')).toBeNull()
  })

  it('reads a purchase dated after today (a clock or time-zone edge) as today', () => {
    const facts = predictionFacts(customer0001, fit, '1997-08-01')!
    expect(facts.daysSinceLastPurchase).toBe(0)
    expect(Number.isFinite(facts.pAlive)).toBe(true)
  })
})
