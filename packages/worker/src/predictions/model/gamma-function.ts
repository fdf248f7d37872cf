// The gamma function in log space, for the models' likelihoods and the hypergeometric
// function's transformation. Lanczos approximation (g = 7, 9 terms; relative error about 1e-15
// for Γ), with the reflection formula below 1/2.

const LANCZOS_G = 7
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
  -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
  1.5056327351493116e-7,
]
const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI)

/**
 * sin(πx), exactly 0 at the integers (Math.sin(Math.PI * 3) is 3.7e-16, which would turn a pole
 * of Γ into a huge finite number).
 * @example sinPi(0.5) // 1
 */
export function sinPi(x: number): number {
  const nearest = Math.round(x)
  const rest = x - nearest
  const value = Math.sin(Math.PI * rest)
  return nearest % 2 === 0 ? value : -value
}

/**
 * ln Γ(x) for x > 0.
 * @example logGamma(5) // ln 24 = 3.1780538303479458
 */
export function logGamma(x: number): number {
  if (!(x > 0)) throw new RangeError(`logGamma needs x > 0, got ${x}`)
  // Reflection: Γ(x) Γ(1 − x) = π / sin(πx), so small x borrows the accurate range above 1/2.
  if (x < 0.5) return Math.log(Math.PI / sinPi(x)) - logGamma(1 - x)
  const shifted = x - 1
  let series = LANCZOS[0]!
  for (let i = 1; i < LANCZOS.length; i++) series += LANCZOS[i]! / (shifted + i)
  const t = shifted + LANCZOS_G + 0.5
  return HALF_LOG_TWO_PI + (shifted + 0.5) * Math.log(t) - t + Math.log(series)
}

/**
 * ln |Γ(x)| and the sign of Γ(x) for any real x; at the poles (0, −1, −2, …) the log is
 * +Infinity, so exp(−log) = 1/Γ = 0 there, which is the limit formulas need.
 * @example signedLogGamma(-0.5) // { log: ln(2√π) = 1.2655121234846454, sign: -1 }
 */
export function signedLogGamma(x: number): { log: number; sign: 1 | -1 } {
  if (x > 0) return { log: logGamma(x), sign: 1 }
  const sine = sinPi(x)
  if (sine === 0) return { log: Infinity, sign: 1 }
  // Γ(x) = π / (sin(πx) Γ(1 − x)), and Γ(1 − x) > 0 for x ≤ 0.
  return { log: Math.log(Math.PI / Math.abs(sine)) - logGamma(1 - x), sign: sine > 0 ? 1 : -1 }
}

/**
 * ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b), for a, b > 0.
 * @example logBeta(2, 3) // ln(1/12)
 */
export function logBeta(a: number, b: number): number {
  return logGamma(a) + logGamma(b) - logGamma(a + b)
}
