import { describe, expect, it } from 'vitest'
import { fromMicros, toMicros } from './money'

describe('money', () => {
  it('stores amounts as whole micro-units, rounding away float noise', () => {
    expect(toMicros(19.99)).toBe(19_990_000)
    expect(toMicros(0.1 + 0.2)).toBe(300_000)
    expect(toMicros(1e9)).toBe(1e15)
    expect(fromMicros(19_990_000)).toBe(19.99)
    expect(fromMicros(toMicros(59.9))).toBe(59.9)
  })
})
