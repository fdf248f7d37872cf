import { describe, expect, it } from 'vitest'
import { logBeta, logGamma, signedLogGamma } from './gamma-function'
import { HypergeometricConvergenceError, hyp2f1 } from './hypergeometric'

/** Relative error of a computed value against the exact one. */
const relativeError = (value: number, exact: number) => Math.abs(value - exact) / Math.abs(exact)

describe('logGamma', () => {
  it('matches factorials and Γ(1/2) = √π', () => {
    expect(relativeError(logGamma(5), Math.log(24))).toBeLessThan(1e-14)
    expect(relativeError(logGamma(21), Math.log(2432902008176640000))).toBeLessThan(1e-14)
    expect(relativeError(logGamma(0.5), 0.5 * Math.log(Math.PI))).toBeLessThan(1e-14)
    expect(Math.abs(logGamma(1))).toBeLessThan(1e-15)
    expect(Math.abs(logGamma(2))).toBeLessThan(1e-15)
  })

  it('uses the reflection formula for small x: Γ(0.1) = 9.513507698668732', () => {
    expect(relativeError(Math.exp(logGamma(0.1)), 9.513507698668732)).toBeLessThan(1e-14)
  })

  it('gives signs and poles for negative x', () => {
    expect(signedLogGamma(-0.5).sign).toBe(-1) // Γ(−1/2) = −2√π
    expect(relativeError(signedLogGamma(-0.5).log, Math.log(2 * Math.sqrt(Math.PI)))).toBeLessThan(
      1e-14,
    )
    expect(signedLogGamma(-1.5).sign).toBe(1) // Γ(−3/2) = 4√π/3
    expect(signedLogGamma(-2).log).toBe(Infinity)
    expect(signedLogGamma(0).log).toBe(Infinity)
  })

  it('refuses x ≤ 0', () => {
    expect(() => logGamma(0)).toThrow(RangeError)
  })

  it('gives ln B(2, 3) = ln(1/12)', () => {
    expect(relativeError(logBeta(2, 3), Math.log(1 / 12))).toBeLessThan(1e-14)
  })
})

describe('hyp2f1', () => {
  it('matches closed forms on the direct series (0 < z ≤ 0.9)', () => {
    for (const z of [0.01, 0.3, 0.5, 0.9]) {
      expect(relativeError(hyp2f1(1, 1, 2, z), -Math.log(1 - z) / z)).toBeLessThan(1e-14)
      expect(relativeError(hyp2f1(0.7, 2.5, 2.5, z), Math.pow(1 - z, -0.7))).toBeLessThan(1e-14)
      const s = Math.sqrt(z)
      expect(relativeError(hyp2f1(0.5, 0.5, 1.5, z), Math.asin(s) / s)).toBeLessThan(1e-14)
    }
  })

  it('matches closed forms near z = 1 through the connection formula', () => {
    for (const z of [0.95, 0.99, 0.9999]) {
      const s = Math.sqrt(z) // c − a − b = 1/2
      expect(relativeError(hyp2f1(0.5, 0.5, 1.5, z), Math.asin(s) / s)).toBeLessThan(1e-12)
      // c − a − b = −0.7, and Γ(c − b) = Γ(0) is a pole: only the second part remains.
      expect(relativeError(hyp2f1(0.7, 2.5, 2.5, z), Math.pow(1 - z, -0.7))).toBeLessThan(1e-12)
    }
  })

  it('sums the slow series when c − a − b is an integer (the connection formula is singular)', () => {
    const z = 0.999
    expect(relativeError(hyp2f1(1, 1, 2, z), -Math.log(1 - z) / z)).toBeLessThan(1e-12)
  })

  it('uses Pfaff’s transformation for negative z: 2F1(1, 1; 2; −z) = ln(1 + z) / z', () => {
    for (const z of [0.2, 1, 5, 50]) {
      expect(relativeError(hyp2f1(1, 1, 2, -z), Math.log(1 + z) / z)).toBeLessThan(1e-13)
    }
  })

  it('matches reference values with non-integer parameters (mpmath, 30 digits)', () => {
    // Computed once with mpmath.hyp2f1 at 30 significant digits (mp.dps = 30).
    expect(relativeError(hyp2f1(0.3, 0.7, 1.6, 0.4), 1.0642506841415581288)).toBeLessThan(1e-14)
    expect(relativeError(hyp2f1(2.2426, 4.4258, 5.0187, 0.5), 3.8374773351388125924)).toBeLessThan(
      1e-14,
    )
    expect(relativeError(hyp2f1(2.5, 1.5, 3.25, 0.95), 20.131407353379511338)).toBeLessThan(1e-12)
    expect(relativeError(hyp2f1(12.2426, 0.5, 3.1, 0.97), 1472007880296.316833)).toBeLessThan(1e-11)
    // BG/NBD-shaped: r + x, b + x, a + b + x − 1 with x = 30.
    expect(
      relativeError(hyp2f1(30.2426, 32.4258, 32.2187, 0.6), 1299442463326.3788111),
    ).toBeLessThan(1e-12)
  })

  it('is symmetric in a and b and exact for polynomials', () => {
    expect(hyp2f1(0.3, 2.1, 1.7, 0.6)).toBeCloseTo(hyp2f1(2.1, 0.3, 1.7, 0.6), 14)
    // 2F1(−2, b; c; z) = 1 − 2bz/c + b(b+1)z²/(c(c+1))
    const [b, c, z] = [1.5, 2.5, 0.8]
    expect(hyp2f1(-2, b, c, z)).toBeCloseTo(
      1 - (2 * b * z) / c + (b * (b + 1) * z * z) / (c * (c + 1)),
      14,
    )
  })

  it('gives Gauss’s value at z = 1 and refuses divergent or undefined cases', () => {
    // 2F1(a, b; c; 1) = Γ(c)Γ(c−a−b)/(Γ(c−a)Γ(c−b)); 2F1(1/2, 1/2; 3/2; 1) = π/2
    expect(relativeError(hyp2f1(0.5, 0.5, 1.5, 1), Math.PI / 2)).toBeLessThan(1e-13)
    expect(() => hyp2f1(1, 1, 2, 1)).toThrow(RangeError)
    expect(() => hyp2f1(1, 1, 2, 1.5)).toThrow(RangeError)
    expect(() => hyp2f1(1, 1, -3, 0.5)).toThrow(RangeError)
    expect(() => hyp2f1(1, Number.NaN, 2, 0.5)).toThrow(RangeError)
  })

  it('reports a series that does not converge instead of returning a wrong value', () => {
    // c − a − b = 0 forces the plain series; at z = 1 − 1e-9 it would need billions of terms.
    expect(() => hyp2f1(1, 1, 2, 1 - 1e-9)).toThrow(HypergeometricConvergenceError)
  })
})
