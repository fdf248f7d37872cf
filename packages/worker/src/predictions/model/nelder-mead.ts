// Nelder-Mead simplex minimisation: no derivatives, deterministic, robust on the bumpy flat
// ridges that likelihoods of few customers have. The models call it on log parameters, so every
// step is a relative change and positivity is automatic.
//
// Coefficients adapt to the dimension n (Gao & Han 2012: reflection 1, expansion 1 + 2/n,
// contraction 0.75 − 1/(2n), shrink 1 − 1/n), which converges better than the classic ones
// beyond two dimensions. A simplex can collapse onto a line and stall short of the minimum, so
// after each convergence the search restarts from the best point with a fresh simplex, until a
// restart no longer improves the value.

/** Options; every field has a default. */
export interface NelderMeadOptions {
  /** Size of the initial simplex along each axis (0.5 in log space = a factor of 1.65). */
  initialStep?: number
  /** Converged when the simplex values differ by at most this, relative to 1 + |best value|. */
  valueTolerance?: number
  /** ...and every vertex is within this of the best one, coordinate by coordinate. */
  pointTolerance?: number
  /** The most function evaluations over all restarts. */
  maxEvaluations?: number
  /** The most restarts after the first convergence. */
  maxRestarts?: number
}

/** The minimum found. `isConverged` is false when evaluations ran out first. */
export interface NelderMeadResult {
  point: number[]
  value: number
  evaluations: number
  restarts: number
  isConverged: boolean
}

const DEFAULTS: Required<NelderMeadOptions> = {
  initialStep: 0.5,
  valueTolerance: 1e-11,
  pointTolerance: 1e-8,
  maxEvaluations: 20_000,
  maxRestarts: 10,
}

/**
 * Minimises f from start. NaN values count as +Infinity (outside the domain).
 * @example
 * const { point } = nelderMead(([x, y]) => (x! - 1) ** 2 + (y! + 2) ** 2, [0, 0])
 * // point ≈ [1, -2]
 */
export function nelderMead(
  f: (point: number[]) => number,
  start: number[],
  options: NelderMeadOptions = {},
): NelderMeadResult {
  const settings = { ...DEFAULTS, ...options }
  let evaluations = 0
  const evaluate = (point: number[]) => {
    evaluations++
    const value = f(point)
    return Number.isNaN(value) ? Infinity : value
  }

  let best = { point: start.slice(), value: evaluate(start) }
  let restarts = 0
  let isConverged = false
  for (;;) {
    const run = searchOnce(evaluate, best.point, settings, () => evaluations)
    const improvement = best.value - run.value
    const isBetter = run.value <= best.value
    if (isBetter) best = { point: run.point, value: run.value }
    if (!run.isConverged) break
    // The first run always gets one restart; later ones only while they still help.
    if (restarts > 0 && improvement <= settings.valueTolerance * (1 + Math.abs(best.value))) {
      isConverged = true
      break
    }
    if (restarts === settings.maxRestarts) {
      isConverged = true
      break
    }
    restarts++
  }
  return { point: best.point, value: best.value, evaluations, restarts, isConverged }
}

interface Vertex {
  point: number[]
  value: number
}

function searchOnce(
  evaluate: (point: number[]) => number,
  start: number[],
  settings: Required<NelderMeadOptions>,
  evaluationsSoFar: () => number,
): Vertex & { isConverged: boolean } {
  const n = start.length
  const reflection = 1
  const expansion = 1 + 2 / n
  const contraction = 0.75 - 1 / (2 * n)
  const shrink = 1 - 1 / n

  const simplex: Vertex[] = [{ point: start.slice(), value: evaluate(start) }]
  for (let i = 0; i < n; i++) {
    const point = start.slice()
    point[i] = point[i]! + settings.initialStep
    simplex.push({ point, value: evaluate(point) })
  }

  for (;;) {
    simplex.sort((p, q) => p.value - q.value)
    const best = simplex[0]!
    const worst = simplex[n]!
    if (hasConverged(simplex, settings)) return { ...best, isConverged: true }
    if (evaluationsSoFar() >= settings.maxEvaluations) return { ...best, isConverged: false }

    const centroid = new Array<number>(n).fill(0)
    for (let v = 0; v < n; v++)
      for (let i = 0; i < n; i++) centroid[i]! += simplex[v]!.point[i]! / n
    const along = (t: number) => centroid.map((c, i) => c + t * (c - worst.point[i]!))

    const reflected = along(reflection)
    const reflectedValue = evaluate(reflected)
    if (reflectedValue < best.value) {
      const expanded = along(reflection * expansion)
      const expandedValue = evaluate(expanded)
      simplex[n] =
        expandedValue < reflectedValue
          ? { point: expanded, value: expandedValue }
          : { point: reflected, value: reflectedValue }
      continue
    }
    if (reflectedValue < simplex[n - 1]!.value) {
      simplex[n] = { point: reflected, value: reflectedValue }
      continue
    }
    // Contract toward the better of the worst point and its reflection.
    const isOutside = reflectedValue < worst.value
    const contracted = along(isOutside ? reflection * contraction : -contraction)
    const contractedValue = evaluate(contracted)
    if (contractedValue < Math.min(reflectedValue, worst.value)) {
      simplex[n] = { point: contracted, value: contractedValue }
      continue
    }
    for (let v = 1; v <= n; v++) {
      const point = simplex[v]!.point.map((x, i) => best.point[i]! + shrink * (x - best.point[i]!))
      simplex[v] = { point, value: evaluate(point) }
    }
  }
}

function hasConverged(sorted: Vertex[], settings: Required<NelderMeadOptions>): boolean {
  const best = sorted[0]!
  const worst = sorted[sorted.length - 1]!
  if (!(worst.value - best.value <= settings.valueTolerance * (1 + Math.abs(best.value))))
    return false
  return sorted.every((v) =>
    v.point.every((x, i) => Math.abs(x - best.point[i]!) <= settings.pointTolerance),
  )
}
