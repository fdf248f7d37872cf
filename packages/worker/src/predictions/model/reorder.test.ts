import { describe, expect, it } from 'vitest'
import type { BgNbdParams } from './params'
import {
  daysSinceLastPurchase,
  expectedNextPurchaseDay,
  isDueForReorder,
  modelGapDays,
  REORDER_WINDOW,
  reorderGapDays,
} from './reorder'

const bgnbd: BgNbdParams = { r: 0.2426, alpha: 4.4135, a: 0.7929, b: 2.4258 }

describe('expected next purchase', () => {
  it('is the last purchase plus 7 (α + T) / (r + x) days', () => {
    expect(modelGapDays(bgnbd, 2, 38.86)).toBeCloseTo((7 * 43.2735) / 2.2426, 12)
    // 135.07 days after 1997-08-02.
    expect(expectedNextPurchaseDay(bgnbd, { x: 2, T: 38.86, lastDay: '1997-08-02' })).toBe(
      '1997-12-15',
    )
  })

  it('moves later the longer the customer stays away (the rate estimate falls)', () => {
    expect(modelGapDays(bgnbd, 2, 60)).toBeGreaterThan(modelGapDays(bgnbd, 2, 40))
    expect(modelGapDays(bgnbd, 8, 40)).toBeLessThan(modelGapDays(bgnbd, 2, 40))
  })
})

describe('due for reorder', () => {
  it('uses the customer’s own median gap once there is one, else the model’s', () => {
    expect(reorderGapDays(bgnbd, { x: 3, T: 20, medianGapDays: 28 })).toBe(28)
    expect(reorderGapDays(bgnbd, { x: 1, T: 20, medianGapDays: null })).toBe(
      modelGapDays(bgnbd, 1, 20),
    )
  })

  it(`is true within ±${REORDER_WINDOW.fraction * 100}% of the gap around the due day`, () => {
    const due = (today: string) => isDueForReorder({ today, lastDay: '2026-03-01', gapDays: 30 })
    // Gap 30 days: ±6, so 24 to 36 days after 2026-03-01.
    expect(['2026-03-24', '2026-03-25', '2026-03-31', '2026-04-06', '2026-04-07'].map(due)).toEqual(
      [false, true, true, true, false],
    )
  })

  it(`keeps a window of at least ±${REORDER_WINDOW.minDays} day for short gaps`, () => {
    const due = (today: string) => isDueForReorder({ today, lastDay: '2026-03-01', gapDays: 3 })
    expect(['2026-03-02', '2026-03-03', '2026-03-04', '2026-03-05', '2026-03-06'].map(due)).toEqual(
      [false, true, true, true, false],
    )
  })

  it('is never due without a usable gap, and counts days since the last purchase', () => {
    expect(isDueForReorder({ today: '2026-03-01', lastDay: '2026-03-01', gapDays: 0 })).toBe(false)
    expect(
      isDueForReorder({ today: '2026-03-01', lastDay: '2026-03-01', gapDays: Number.NaN }),
    ).toBe(false)
    expect(daysSinceLastPurchase('1997-09-30', '1997-08-02')).toBe(59)
  })
})
