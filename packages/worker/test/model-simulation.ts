// Simulated customers drawn from the models themselves, so the fits can be checked against known
// parameters. Deterministic: a seeded PRNG (mulberry32), gamma draws by Marsaglia & Tsang (2000).

import type { BgNbdParams, GammaGammaParams } from '../src/predictions/model/params'

/** A seeded uniform generator on (0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296
  }
}

/** A Gamma(shape, rate) draw. */
export function gammaDraw(random: () => number, shape: number, rate: number): number {
  if (shape < 1) return gammaDraw(random, shape + 1, rate) * Math.pow(random(), 1 / shape)
  const d = shape - 1 / 3
  const c = 1 / Math.sqrt(9 * d)
  for (;;) {
    let x: number
    let v: number
    do {
      x = normalDraw(random)
      v = 1 + c * x
    } while (v <= 0)
    v = v * v * v
    const u = random()
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return (d * v) / rate
  }
}

function normalDraw(random: () => number): number {
  return Math.sqrt(-2 * Math.log(random())) * Math.cos(2 * Math.PI * random())
}

/**
 * BG/NBD customers observed for 50–100% of maxWeeks since their first purchase, in whole days
 * (purchases on one day merge, as the summary counts them): (x, tx, T) in weeks.
 */
export function simulateBgNbd(
  params: BgNbdParams,
  customers: number,
  maxWeeks: number,
  seed: number,
) {
  const random = seededRandom(seed)
  return Array.from({ length: customers }, () => {
    const lambda = gammaDraw(random, params.r, params.alpha)
    const pDrop = betaDraw(random, params.a, params.b)
    const ageDays = Math.floor(maxWeeks * 7 * (0.5 + 0.5 * random()))
    const days = new Set<number>()
    let t = 0
    for (;;) {
      t += -Math.log(random()) / lambda
      const day = Math.floor(t * 7)
      if (day > ageDays || day < 0) break
      if (day > 0) days.add(day)
      if (random() < pDrop) break
    }
    const last = Math.max(0, ...days)
    return { x: days.size, tx: last / 7, T: ageDays / 7 }
  })
}

/** Gamma-Gamma customers with 1–10 repeat purchases: x and the mean spend of those purchases. */
export function simulateGammaGamma(params: GammaGammaParams, customers: number, seed: number) {
  const random = seededRandom(seed)
  return Array.from({ length: customers }, () => {
    const nu = gammaDraw(random, params.q, params.gamma)
    const x = 1 + Math.floor(random() * 10)
    let total = 0
    for (let i = 0; i < x; i++) total += gammaDraw(random, params.p, nu)
    return { x, monetary: total / x }
  })
}

function betaDraw(random: () => number, a: number, b: number): number {
  const g = gammaDraw(random, a, 1)
  return g / (g + gammaDraw(random, b, 1))
}
