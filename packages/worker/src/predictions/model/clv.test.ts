import { describe, expect, it } from 'vitest'
import { conditionalExpectedPurchases } from './bgnbd-predictions'
import { customerLifetimeValue, MAX_HORIZON_WEEKS, MAX_YEARLY_DISCOUNT_RATE } from './clv'
import { conditionalExpectedSpend } from './gamma-gamma'
import type { BgNbdParams, GammaGammaParams } from './params'

const bgnbd: BgNbdParams = { r: 0.2426, alpha: 4.4135, a: 0.7929, b: 2.4258 }
const gammaGamma: GammaGammaParams = { p: 6.25, q: 3.74, gamma: 15.44 }
const customer0001 = { x: 2, tx: 213 / 7, T: 272 / 7, monetary: 22.35 }
const relativeError = (value: number, exact: number) => Math.abs(value - exact) / Math.abs(exact)

describe('customerLifetimeValue', () => {
  it('without discounting is expected purchases × expected spend', () => {
    const value = customerLifetimeValue(bgnbd, gammaGamma, customer0001, { horizonWeeks: 52 })
    const expected =
      conditionalExpectedPurchases(bgnbd, 2, 213 / 7, 272 / 7, 52) *
      conditionalExpectedSpend(gammaGamma, 2, 22.35)
    expect(value).toBe(expected)
    // Independent value (mpmath, 50 digits).
    expect(relativeError(value, 38.44313748015472)).toBeLessThan(1e-11)
  })

  it('discounts each week’s purchases at its end (10% a year; mpmath reference)', () => {
    const value = customerLifetimeValue(bgnbd, gammaGamma, customer0001, {
      horizonWeeks: 52,
      yearlyDiscountRate: 0.1,
    })
    expect(relativeError(value, 36.763846731769211)).toBeLessThan(1e-11)
    // A fractional horizon ends with a shorter step: weeks 1, 2 and the half week to 2.5.
    const short = customerLifetimeValue(bgnbd, gammaGamma, customer0001, {
      horizonWeeks: 2.5,
      yearlyDiscountRate: 0.1,
    })
    expect(relativeError(short, 2.2826388422778538)).toBeLessThan(1e-11)
  })

  it('grows with the horizon and shrinks with the discount rate', () => {
    const at = (horizonWeeks: number, yearlyDiscountRate = 0) =>
      customerLifetimeValue(bgnbd, gammaGamma, customer0001, { horizonWeeks, yearlyDiscountRate })
    expect(at(26)).toBeLessThan(at(52))
    expect(at(52, 0.2)).toBeLessThan(at(52, 0.1))
    expect(at(MAX_HORIZON_WEEKS, MAX_YEARLY_DISCOUNT_RATE)).toBeGreaterThan(0)
  })

  it('values a customer without repeat purchases at the population’s mean spend', () => {
    const oneTime = { x: 0, tx: 0, T: 30, monetary: 0 }
    const value = customerLifetimeValue(bgnbd, gammaGamma, oneTime, { horizonWeeks: 52 })
    expect(value).toBeCloseTo(
      conditionalExpectedPurchases(bgnbd, 0, 0, 30, 52) * ((6.25 * 15.44) / 2.74),
      10,
    )
  })

  it(`refuses horizons outside (0, ${MAX_HORIZON_WEEKS}] weeks and rates outside [0, ${MAX_YEARLY_DISCOUNT_RATE}]`, () => {
    for (const horizonWeeks of [0, -1, MAX_HORIZON_WEEKS + 1, Number.NaN]) {
      expect(() =>
        customerLifetimeValue(bgnbd, gammaGamma, customer0001, { horizonWeeks }),
      ).toThrow(RangeError)
    }
    for (const yearlyDiscountRate of [-0.01, MAX_YEARLY_DISCOUNT_RATE + 0.01, Number.NaN]) {
      expect(() =>
        customerLifetimeValue(bgnbd, gammaGamma, customer0001, {
          horizonWeeks: 52,
          yearlyDiscountRate,
        }),
      ).toThrow(RangeError)
    }
  })
})
