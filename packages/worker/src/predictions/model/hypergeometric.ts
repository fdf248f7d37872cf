// The Gauss hypergeometric function 2F1(a, b; c; z) for real parameters and z < 1, which the
// BG/NBD conditional expectation needs at z = t / (α + T + t) ∈ [0, 1).
//
// The power series Σ (a)ₙ(b)ₙ / ((c)ₙ n!) zⁿ converges for |z| < 1, but its terms shrink like zⁿ,
// so near z = 1 it needs thousands of terms. Therefore:
// - z < 0: Pfaff's transformation maps z to z / (z − 1) ∈ (0, 1), so the series never alternates
//   (no cancellation);
// - 0 < z ≤ 0.9: the series itself (at most a few hundred terms for full precision);
// - 0.9 < z < 1: the connection formula in 1 − z (Abramowitz & Stegun 15.3.6), whose two series
//   converge like (1 − z)ⁿ. It divides by Γ(c − a − b)-like terms that blow up when c − a − b is
//   an integer, so within 1e-4 of an integer the plain series is summed instead (slow, bounded).
// Every series stops only when a bound on its remaining tail is below 1e-15 of the sum; one that
// has not converged after HYP2F1_MAX_TERMS terms throws HypergeometricConvergenceError.

import { signedLogGamma } from './gamma-function'

/** Relative size of the neglected tail at which a series counts as converged. */
export const HYP2F1_TOLERANCE = 1e-15
/** Most terms one series may take before it is declared not convergent. */
export const HYP2F1_MAX_TERMS = 200_000
/** Above this z the connection formula in 1 − z is used (when it is well conditioned). */
const DIRECT_SERIES_MAX_Z = 0.9
/** How close c − a − b may come to an integer before the connection formula is avoided. */
const NEAR_INTEGER = 1e-4

/** A series that did not converge within HYP2F1_MAX_TERMS terms (or overflowed). */
export class HypergeometricConvergenceError extends Error {
  override name = 'HypergeometricConvergenceError'
}

/**
 * 2F1(a, b; c; z) for real a, b, c (c not 0, −1, −2, …) and z < 1 (z = 1 when c − a − b > 0).
 * @example hyp2f1(1, 1, 2, 0.5) // −ln(1 − 0.5) / 0.5 = 1.3862943611198906
 */
export function hyp2f1(a: number, b: number, c: number, z: number): number {
  if (![a, b, c, z].every(Number.isFinite))
    throw new RangeError(`hyp2f1 needs finite arguments, got ${[a, b, c, z]}`)
  if (c <= 0 && Number.isInteger(c)) throw new RangeError(`hyp2f1 is undefined for c = ${c}`)
  if (z === 0 || a === 0 || b === 0) return 1
  if (z === 1) return atOne(a, b, c)
  if (z > 1) throw new RangeError(`hyp2f1 is only defined here for z ≤ 1, got ${z}`)
  if (z < 0) {
    // Pfaff: 2F1(a, b; c; z) = (1 − z)^(−a) 2F1(a, c − b; c; z / (z − 1)).
    return Math.pow(1 - z, -a) * hyp2f1(a, c - b, c, z / (z - 1))
  }
  const gap = c - a - b
  if (z <= DIRECT_SERIES_MAX_Z || Math.abs(gap - Math.round(gap)) < NEAR_INTEGER)
    return series(a, b, c, z)
  return connection(a, b, c, z)
}

/** Gauss's theorem: 2F1(a, b; c; 1) = Γ(c) Γ(c − a − b) / (Γ(c − a) Γ(c − b)) when c − a − b > 0. */
function atOne(a: number, b: number, c: number): number {
  if (!(c - a - b > 0))
    throw new RangeError(`hyp2f1 diverges at z = 1 unless c − a − b > 0 (got ${c - a - b})`)
  return gammaRatio([c, c - a - b], [c - a, c - b])
}

/**
 * A&S 15.3.6: 2F1(a,b;c;z) = Γ(c)Γ(c−a−b)/(Γ(c−a)Γ(c−b)) 2F1(a, b; a+b−c+1; 1−z)
 *   + (1−z)^(c−a−b) Γ(c)Γ(a+b−c)/(Γ(a)Γ(b)) 2F1(c−a, c−b; c−a−b+1; 1−z).
 */
function connection(a: number, b: number, c: number, z: number): number {
  const w = 1 - z
  const gap = c - a - b
  const first = gammaRatio([c, gap], [c - a, c - b])
  const second = gammaRatio([c, -gap], [a, b])
  const firstPart = first === 0 ? 0 : first * series(a, b, 1 - gap, w)
  const secondPart = second === 0 ? 0 : second * Math.pow(w, gap) * series(c - a, c - b, 1 + gap, w)
  const value = firstPart + secondPart
  if (!Number.isFinite(value))
    throw new HypergeometricConvergenceError(`hyp2f1(${a}, ${b}, ${c}, ${z}) overflowed`)
  return value
}

/** Π Γ(numerators) / Π Γ(denominators), in log space with signs; 0 when a denominator is a pole. */
function gammaRatio(numerators: number[], denominators: number[]): number {
  let log = 0
  let sign = 1
  for (const x of numerators) {
    const g = signedLogGamma(x)
    log += g.log
    sign *= g.sign
  }
  for (const x of denominators) {
    const g = signedLogGamma(x)
    if (g.log === Infinity) return 0
    log -= g.log
    sign *= g.sign
  }
  return sign * Math.exp(log)
}

/**
 * The power series, summed until the bound on its tail, |term| ρ / (1 − ρ) with ρ the larger of
 * the current term ratio and its limit |z|, is below HYP2F1_TOLERANCE of the sum. (For large n the
 * ratio tends to |z| monotonically, so the remaining terms shrink at least geometrically by ρ.)
 */
function series(a: number, b: number, c: number, z: number): number {
  let term = 1
  let sum = 1
  for (let n = 0; n < HYP2F1_MAX_TERMS; n++) {
    const ratio = ((a + n) * (b + n) * z) / ((c + n) * (n + 1))
    term *= ratio
    sum += term
    if (term === 0) return sum // a or b is a non-positive integer: a polynomial
    if (!Number.isFinite(sum)) break
    const rho = Math.max(Math.abs(ratio), Math.abs(z))
    // The bound holds once the ratio is past its peak: for n > |a| + |b| + |c| it is monotone.
    const isPastPeak = n > Math.abs(a) + Math.abs(b) + Math.abs(c)
    if (
      rho < 1 &&
      isPastPeak &&
      (Math.abs(term) * rho) / (1 - rho) <= HYP2F1_TOLERANCE * Math.abs(sum)
    )
      return sum
  }
  throw new HypergeometricConvergenceError(
    `hyp2f1(${a}, ${b}, ${c}, ${z}): the series did not converge within ${HYP2F1_MAX_TERMS} terms`,
  )
}
