// Percentile ranks without a read at decide time: at fit time, the 1st to 99th percentiles of a
// figure over the site's customers (e.g. their CLV) are kept with the parameters (99 numbers); at
// decide time a customer's figure is placed among them by binary search.

/** How many cut points are kept: the 1st to the 99th percentile. */
export const PERCENTILE_CUTS = 99

/**
 * The 1st to 99th percentiles of the values (nearest rank: the k-th is the smallest value with at
 * least k% of the values at or below it), ascending. Empty for no values.
 * @example percentileCuts(Array.from({ length: 200 }, (_, i) => i + 1))[89] // 180: 90% are ≤ 180
 */
export function percentileCuts(values: readonly number[]): number[] {
  if (values.some((value) => !Number.isFinite(value)))
    throw new RangeError('percentileCuts needs finite values')
  if (values.length === 0) return []
  const sorted = values.slice().sort((p, q) => p - q)
  return Array.from(
    { length: PERCENTILE_CUTS },
    (_, i) => sorted[Math.ceil(((i + 1) / 100) * sorted.length) - 1]!,
  )
}

/**
 * The percentile a value reaches among the cuts: the number of cuts at or below it, 0 to 99 (90
 * means at least the 90th percentile: the top 10%). 0 when there are no cuts.
 * @example percentileOf(180, percentileCuts(Array.from({ length: 200 }, (_, i) => i + 1))) // 90
 */
export function percentileOf(value: number, cuts: readonly number[]): number {
  let low = 0
  let high = cuts.length
  while (low < high) {
    const middle = (low + high) >>> 1
    if (cuts[middle]! <= value) low = middle + 1
    else high = middle
  }
  return low
}
