/** A ratio, or null when the denominator is zero (shown as "–", never as 0 or NaN). */
export function ratio(numerator: number, denominator: number): number | null {
  return denominator === 0 ? null : numerator / denominator
}

const Z_95 = 1.959963984540054

/**
 * Difference of two conversion rates (treatment − control) with a 95% Wald interval.
 * @example conversionLift(1000, 120, 1000, 100) // { lift: 0.02, low: -0.0076.., high: 0.0476.. }
 */
export function conversionLift(
  treatmentExposed: number,
  treatmentConverted: number,
  controlExposed: number,
  controlConverted: number,
): {
  lift: number | null
  low: number | null
  high: number | null
  relative: number | null
  isSignificant: boolean
} {
  if (treatmentExposed === 0 || controlExposed === 0)
    return { lift: null, low: null, high: null, relative: null, isSignificant: false }
  const pt = treatmentConverted / treatmentExposed
  const pc = controlConverted / controlExposed
  const lift = pt - pc
  const margin =
    Z_95 * Math.sqrt((pt * (1 - pt)) / treatmentExposed + (pc * (1 - pc)) / controlExposed)
  const low = lift - margin
  const high = lift + margin
  return {
    lift,
    low,
    high,
    relative: pc === 0 ? null : pt / pc - 1,
    isSignificant: low > 0 || high < 0,
  }
}
