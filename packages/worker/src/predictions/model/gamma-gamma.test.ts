import { describe, expect, it } from 'vitest'
import { seededRandom, simulateGammaGamma } from '../../../test/model-simulation'
import {
  conditionalExpectedSpend,
  fitGammaGamma,
  gammaGammaLogLikelihood,
  toLogParams,
} from './gamma-gamma'
import type { GammaGammaParams } from './params'

const paper: GammaGammaParams = { p: 6.25, q: 3.74, gamma: 15.44 }
const relativeError = (value: number, exact: number) => Math.abs(value - exact) / Math.abs(exact)

describe('gammaGammaLogLikelihood', () => {
  it('matches the density formula (mpmath, 50 digits) and adds over customers', () => {
    expect(
      relativeError(
        gammaGammaLogLikelihood(paper, [{ x: 2, monetary: 22.35 }]),
        -3.5513167597317047,
      ),
    ).toBeLessThan(1e-13)
    expect(
      relativeError(
        gammaGammaLogLikelihood(paper, [{ x: 11, monetary: 103.7 }]),
        -7.286861948406979,
      ),
    ).toBeLessThan(1e-13)
    const both = gammaGammaLogLikelihood(paper, [
      { x: 2, monetary: 22.35 },
      { x: 11, monetary: 103.7 },
    ])
    expect(both).toBeCloseTo(-3.5513167597317047 - 7.286861948406979, 11)
  })

  it('integrates to 1 over the mean spend (a density, not just a score)', () => {
    // Trapezoid rule on m ∈ (0, 2000] for x = 3: the mass beyond is negligible (q = 3.74).
    let mass = 0
    const step = 0.01
    for (let m = step; m < 2000; m += step)
      mass += Math.exp(gammaGammaLogLikelihood(paper, [{ x: 3, monetary: m }])) * step
    expect(mass).toBeCloseTo(1, 3)
  })
})

describe('conditionalExpectedSpend', () => {
  it('weighs the population mean against the customer’s own mean', () => {
    expect(
      relativeError(conditionalExpectedSpend(paper, 2, 22.35), 24.663713910761155),
    ).toBeLessThan(1e-14)
    // x = 0: the population mean p γ / (q − 1).
    expect(relativeError(conditionalExpectedSpend(paper, 0, 0), 35.218978102189781)).toBeLessThan(
      1e-14,
    )
    // Many purchases: close to the customer's own mean.
    expect(relativeError(conditionalExpectedSpend(paper, 1000, 50), 50)).toBeLessThan(0.01)
    // Free repeat orders (mean 0) still get a posterior mean, below the population's.
    expect(conditionalExpectedSpend(paper, 3, 0)).toBeGreaterThan(0)
    expect(conditionalExpectedSpend(paper, 3, 0)).toBeLessThan(35.22)
  })

  it('refuses impossible inputs', () => {
    expect(() => conditionalExpectedSpend(paper, -1, 10)).toThrow(RangeError)
    expect(() => conditionalExpectedSpend(paper, 2, -5)).toThrow(RangeError)
  })
})

describe('fitGammaGamma', () => {
  it('recovers the parameters of 20,000 simulated customers', () => {
    const truth: GammaGammaParams = { p: 4, q: 3, gamma: 20 }
    const observations = simulateGammaGamma(truth, 20_000, 7)
    const fit = fitGammaGamma(observations)
    expect(fit.converged).toBe(true)
    expect(relativeError(fit.params.p, truth.p)).toBeLessThan(0.1)
    expect(relativeError(fit.params.q, truth.q)).toBeLessThan(0.1)
    expect(relativeError(fit.params.gamma, truth.gamma)).toBeLessThan(0.15)
    expect(fit.logLikelihood).toBeGreaterThanOrEqual(gammaGammaLogLikelihood(truth, observations))
  })

  it('keeps q above 1, so the mean spend stays finite, and maps parameters to log space and back', () => {
    // Heavy-tailed spends would pull q toward 1; the search space is q = 1 + e^θ.
    const random = seededRandom(3)
    const heavy = Array.from({ length: 500 }, () => ({ x: 1, monetary: Math.exp(6 * random()) }))
    expect(fitGammaGamma(heavy).params.q).toBeGreaterThan(1)
    expect(toLogParams(paper)).toEqual([Math.log(6.25), Math.log(2.74), Math.log(15.44)])
  })

  it('refuses customers it cannot fit, and an empty set without a prior', () => {
    expect(() => fitGammaGamma([{ x: 0, monetary: 10 }])).toThrow(RangeError)
    expect(() => fitGammaGamma([{ x: 2, monetary: 0 }])).toThrow(RangeError)
    expect(() => fitGammaGamma([])).toThrow(RangeError)
  })
})
