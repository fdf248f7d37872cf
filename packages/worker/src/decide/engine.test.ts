import { describe, expect, it } from 'vitest'
import { holdoutBucket, isHeldOut } from './engine'

describe('holdout', () => {
  it('is stable for a visitor and rule', () => {
    expect(holdoutBucket('rule-a', 'visitor-1')).toBe(holdoutBucket('rule-a', 'visitor-1'))
  })

  it('puts about the asked share in the control group', () => {
    const ids = Array.from(
      { length: 20_000 },
      (_, i) => `v${i.toString(36)}x${(i * 7919).toString(36)}`,
    )
    for (const percent of [5, 10, 25, 50]) {
      const held = ids.filter((id) => isHeldOut('hero-returning', id, percent)).length / ids.length
      expect(Math.abs(held - percent / 100)).toBeLessThan(0.01)
    }
  })

  it('never holds out at 0%', () => {
    expect(Array.from({ length: 1000 }, (_, i) => isHeldOut('r', `v${i}`, 0)).some(Boolean)).toBe(
      false,
    )
  })

  it('assigns independently per rule', () => {
    const ids = Array.from({ length: 10_000 }, (_, i) => `visitor-${i}`)
    const both =
      ids.filter((id) => isHeldOut('rule-a', id, 50) && isHeldOut('rule-b', id, 50)).length /
      ids.length
    expect(Math.abs(both - 0.25)).toBeLessThan(0.02)
  })
})
