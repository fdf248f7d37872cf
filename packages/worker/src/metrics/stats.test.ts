import { describe, expect, it } from 'vitest'
import { conversionLift, ratio } from './stats'

describe('ratio', () => {
  it('is null without a denominator', () => {
    expect(ratio(3, 0)).toBeNull()
    expect(ratio(1, 4)).toBe(0.25)
  })
})

describe('conversionLift', () => {
  it('gives the difference of rates with a 95% interval', () => {
    const lift = conversionLift(1000, 120, 1000, 100)
    expect(lift.lift).toBeCloseTo(0.02, 12)
    // sqrt(.12*.88/1000 + .1*.9/1000) = 0.013964..., times 1.96
    expect(lift.high! - lift.lift!).toBeCloseTo(
      1.959963984540054 * Math.sqrt((0.12 * 0.88) / 1000 + 0.09 / 1000),
      12,
    )
    expect(lift.isSignificant).toBe(false)
    expect(lift.relative).toBeCloseTo(0.2, 12)
  })

  it('is significant when the interval excludes zero', () => {
    expect(conversionLift(5000, 750, 5000, 500).isSignificant).toBe(true)
    expect(conversionLift(5000, 500, 5000, 750).isSignificant).toBe(true)
  })

  it('has no lift without both arms', () => {
    expect(conversionLift(100, 5, 0, 0)).toEqual({
      lift: null,
      low: null,
      high: null,
      relative: null,
      isSignificant: false,
    })
  })
})
