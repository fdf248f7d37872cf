import { describe, expect, it } from 'vitest'
import { PERCENTILE_CUTS, percentileCuts, percentileOf } from './percentiles'

describe('percentiles', () => {
  const values = Array.from({ length: 200 }, (_, i) => 200 - i) // 200 … 1, unsorted on purpose
  const cuts = percentileCuts(values)

  it(`keeps ${PERCENTILE_CUTS} nearest-rank cuts, ascending`, () => {
    expect(cuts).toHaveLength(PERCENTILE_CUTS)
    expect(cuts[0]).toBe(2) // 1% of 200 values are ≤ 2
    expect(cuts[89]).toBe(180)
    expect(cuts[98]).toBe(198)
    expect(cuts.every((cut, i) => i === 0 || cut >= cuts[i - 1]!)).toBe(true)
  })

  it('places a value among the cuts: 0 at the bottom, 99 at the top', () => {
    expect(percentileOf(1, cuts)).toBe(0)
    expect(percentileOf(180, cuts)).toBe(90)
    expect(percentileOf(179.5, cuts)).toBe(89)
    expect(percentileOf(1e9, cuts)).toBe(99)
  })

  it('handles ties, a single value and no values', () => {
    expect(percentileOf(0, percentileCuts([0, 0, 0, 5]))).toBe(75)
    expect(percentileCuts([7])).toEqual(new Array(PERCENTILE_CUTS).fill(7))
    expect(percentileCuts([])).toEqual([])
    expect(percentileOf(3, [])).toBe(0)
    expect(() => percentileCuts([1, Number.NaN])).toThrow(RangeError)
  })
})
