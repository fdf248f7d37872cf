import { describe, expect, it } from 'vitest'
import { conditionalExpectedPurchases, pAlive } from './bgnbd-predictions'
import { customerLifetimeValue } from './clv'
import { customerFigures, DEFAULT_HORIZON_WEEKS } from './customer'
import { conditionalExpectedSpend } from './gamma-gamma'
import type { BgNbdParams, GammaGammaParams } from './params'

const bgnbd: BgNbdParams = { r: 0.2426, alpha: 4.4135, a: 0.7929, b: 2.4258 }
const gammaGamma: GammaGammaParams = { p: 6.25, q: 3.74, gamma: 15.44 }

describe('customerFigures', () => {
  it('gives every figure for CDNOW customer 0001 as of 1997-09-30', () => {
    const customer = { x: 2, tx: 213 / 7, T: 272 / 7, monetary: 22.35 }
    const figures = customerFigures({ bgnbd, gammaGamma }, customer, {
      asOf: '1997-09-30',
      yearlyDiscountRate: 0.1,
    })
    expect(figures).toEqual({
      x: 2,
      tx: 213 / 7,
      T: 272 / 7,
      pAlive: pAlive(bgnbd, 2, 213 / 7, 272 / 7),
      expectedPurchases: conditionalExpectedPurchases(
        bgnbd,
        2,
        213 / 7,
        272 / 7,
        DEFAULT_HORIZON_WEEKS,
      ),
      expectedSpendPerPurchase: conditionalExpectedSpend(gammaGamma, 2, 22.35),
      clv: customerLifetimeValue(bgnbd, gammaGamma, customer, {
        horizonWeeks: 52,
        yearlyDiscountRate: 0.1,
      }),
      // The last purchase, 59 days before asOf, was 1997-08-02; the model's gap is 135 days.
      expectedNextPurchaseAt: '1997-12-15',
    })
    expect(figures.clv).toBeCloseTo(36.763846731769211, 9)
  })

  it('gives a one-time buyer P(alive) 1 and the population’s mean spend', () => {
    const figures = customerFigures(
      { bgnbd, gammaGamma },
      { x: 0, tx: 0, T: 10, monetary: 0 },
      { asOf: '2026-03-10', horizonWeeks: 26 },
    )
    expect(figures.pAlive).toBe(1)
    expect(figures.expectedSpendPerPurchase).toBeCloseTo((6.25 * 15.44) / 2.74, 12)
    expect(figures.expectedPurchases).toBe(conditionalExpectedPurchases(bgnbd, 0, 0, 10, 26))
    // First (and last) purchase 70 days before asOf: 2025-12-30; gap 7 (α + 10) / r = 416 days.
    expect(figures.expectedNextPurchaseAt).toBe('2027-02-19')
  })

  it('refuses a bad horizon before computing anything', () => {
    expect(() =>
      customerFigures(
        { bgnbd, gammaGamma },
        { x: 0, tx: 0, T: 10, monetary: 0 },
        { asOf: '2026-03-10', horizonWeeks: 0 },
      ),
    ).toThrow(RangeError)
  })
})
