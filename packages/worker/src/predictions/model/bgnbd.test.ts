import { describe, expect, it } from 'vitest'
import { bgnbdLogLikelihood, bgnbdTotalLogLikelihood, fitBgNbd } from './bgnbd'
import {
  conditionalExpectedPurchases,
  expectedPurchases,
  pAlive,
  posteriorPurchaseRate,
} from './bgnbd-predictions'
import { HypergeometricConvergenceError } from './hypergeometric'
import type { BgNbdParams } from './params'
import { groupByFrequency } from './summary'
import { simulateBgNbd } from '../../../test/model-simulation'

const paper: BgNbdParams = { r: 0.2426, alpha: 4.4135, a: 0.7929, b: 2.4258 }
const relativeError = (value: number, exact: number) => Math.abs(value - exact) / Math.abs(exact)

// Reference values: the paper's formulas evaluated independently with mpmath at 50 digits.
describe('bgnbdLogLikelihood', () => {
  it('matches the formula for customers with and without repeat purchases', () => {
    expect(
      relativeError(bgnbdLogLikelihood(paper, 2, 30.43, 38.86), -9.4596810823204985),
    ).toBeLessThan(1e-13)
    expect(
      relativeError(bgnbdLogLikelihood(paper, 0, 0, 38.86), -0.55382484737883624),
    ).toBeLessThan(1e-13)
  })

  it('stays finite in log space where the plain likelihood would overflow (x = 400)', () => {
    expect(
      relativeError(bgnbdLogLikelihood(paper, 400, 100, 104), 124.21976191471935),
    ).toBeLessThan(1e-12)
  })

  it('sums groups with their counts, the same as customer by customer', () => {
    const rows = [
      { x: 0, tx: 0, T: 38.86 },
      { x: 0, tx: 0, T: 38.86 },
      { x: 2, tx: 30.43, T: 38.86 },
      { x: 7, tx: 29.43, T: 38.86 },
    ]
    const direct = rows.reduce((sum, { x, tx, T }) => sum + bgnbdLogLikelihood(paper, x, tx, T), 0)
    expect(bgnbdTotalLogLikelihood(paper, groupByFrequency(rows))).toBeCloseTo(direct, 10)
  })
})

describe('BG/NBD closed forms', () => {
  it('gives the paper’s worked example: x = 2, tx = 30.43, T = 38.86 expects 1.226 purchases in 39 weeks', () => {
    const value = conditionalExpectedPurchases(paper, 2, 30.43, 38.86, 39)
    expect(value.toFixed(3)).toBe('1.226')
    expect(relativeError(value, 1.2259111998992229)).toBeLessThan(1e-12)
  })

  it('matches independent values for other histories and horizons (mpmath)', () => {
    const cases: [number, number, number, number, number][] = [
      [0, 0, 38.86, 39, 0.19478655038715515],
      [7, 29.43, 38.86, 52, 4.1990913508604928],
      [29, 37.71, 38, 520, 100.29273089233688], // z = 0.93: the connection formula
      [1, 1.71, 38.86, 1, 0.0060646056907747812],
      [200, 100, 104, 52, 9.8382477479964108],
    ]
    for (const [x, tx, T, t, exact] of cases)
      expect(relativeError(conditionalExpectedPurchases(paper, x, tx, T, t), exact)).toBeLessThan(
        1e-11,
      )
    expect(relativeError(expectedPurchases(paper, 39), 1.1950518784095006)).toBeLessThan(1e-12)
    expect(relativeError(expectedPurchases(paper, 78), 1.8580217586441487)).toBeLessThan(1e-12)
  })

  it('gives P(alive): 1 without repeat purchases, lower the longer since the last one', () => {
    expect(relativeError(pAlive(paper, 2, 30.43, 38.86), 0.72660799730015628)).toBeLessThan(1e-13)
    expect(relativeError(pAlive(paper, 1, 1.71, 38.86), 0.21222445924803884)).toBeLessThan(1e-13)
    expect(pAlive(paper, 0, 0, 38.86)).toBe(1)
    expect(pAlive(paper, 5, 38, 38.86)).toBeGreaterThan(pAlive(paper, 5, 10, 38.86))
  })

  it('is continuous through a = 1, where the formula is 0/0 (limit from mpmath)', () => {
    const near = (a: number) =>
      conditionalExpectedPurchases({ r: 0.5, alpha: 5, a, b: 3 }, 3, 20, 30, 26)
    expect(relativeError(near(1), 1.2922057398447562)).toBeLessThan(1e-9)
    expect(relativeError(near(1 + 3e-6), 1.2922035679770109)).toBeLessThan(1e-9)
    expect(
      relativeError(expectedPurchases({ r: 0.5, alpha: 5, a: 1, b: 3 }, 26), 1.5416346569662795),
    ).toBeLessThan(1e-9)
  })

  it('is 0 over no time and refuses impossible histories', () => {
    expect(conditionalExpectedPurchases(paper, 2, 30, 38, 0)).toBe(0)
    expect(() => conditionalExpectedPurchases(paper, 2, 40, 38, 39)).toThrow(RangeError) // tx > T
    expect(() => conditionalExpectedPurchases(paper, 0, 5, 38, 39)).toThrow(RangeError) // tx without repeats
    expect(() => conditionalExpectedPurchases(paper, 1.5, 5, 38, 39)).toThrow(RangeError)
    expect(() => conditionalExpectedPurchases(paper, 1, 5, 38, -1)).toThrow(RangeError)
  })

  it('reports rather than guesses when the series cannot be summed (a near-daily buyer over a 10-year horizon)', () => {
    expect(() => conditionalExpectedPurchases(paper, 3000, 469, 470, 520)).toThrow(
      HypergeometricConvergenceError,
    )
  })

  it('gives the posterior purchase rate (r + x) / (α + T)', () => {
    expect(posteriorPurchaseRate(paper, 2, 38.86)).toBeCloseTo(2.2426 / 43.2735, 14)
  })
})

describe('fitBgNbd', () => {
  it('recovers the parameters of 20,000 simulated customers', () => {
    const truth: BgNbdParams = { r: 0.5, alpha: 6, a: 0.7, b: 3 }
    const groups = groupByFrequency(simulateBgNbd(truth, 20_000, 52, 20260401))
    const fit = fitBgNbd(groups)
    expect(fit.converged).toBe(true)
    // Sampling error at n = 20,000 is a few percent; 15% leaves room for it and catches real bugs.
    expect(relativeError(fit.params.r, truth.r)).toBeLessThan(0.15)
    expect(relativeError(fit.params.alpha, truth.alpha)).toBeLessThan(0.15)
    expect(relativeError(fit.params.a, truth.a)).toBeLessThan(0.15)
    expect(relativeError(fit.params.b, truth.b)).toBeLessThan(0.15)
    // The maximum beats the truth on its own data.
    expect(fit.logLikelihood).toBeGreaterThanOrEqual(bgnbdTotalLogLikelihood(truth, groups))
  })

  it('refuses an empty data set', () => {
    expect(() => fitBgNbd([])).toThrow(RangeError)
  })
})
