import { SEGMENTS } from '@stammis/contract'
import { describe, expect, it } from 'vitest'
import { classify } from './classify'
import { previewProfile } from './preview-profile'
import { MIN_PURCHASE_VISITS, SEGMENTS_BY_THRESHOLD, TOP_THRESHOLD } from './thresholds'

describe('segment thresholds', () => {
  it('are shopper 0, returning 1, repeat 2 earlier purchase visits', () => {
    expect(MIN_PURCHASE_VISITS).toEqual({ shopper: 0, returning: 1, repeat: 2 })
    expect(SEGMENTS_BY_THRESHOLD).toEqual(['repeat', 'returning', 'shopper'])
    expect(TOP_THRESHOLD).toBe(2)
  })

  it('classify puts each threshold in its segment and one below it in the next lower', () => {
    for (const segment of SEGMENTS) {
      const threshold = MIN_PURCHASE_VISITS[segment]
      expect(classify(threshold)).toBe(segment)
      if (threshold > 0) expect(classify(threshold - 1)).not.toBe(segment)
    }
    expect(classify(50)).toBe('repeat')
  })

  it("preview's made-up profile of a segment classifies as that segment", () => {
    for (const segment of SEGMENTS) {
      const profile = previewProfile({ segment, lapsed: false }, 90, Date.now())
      expect(profile.purchaseVisits).toBe(MIN_PURCHASE_VISITS[segment])
      expect(classify(profile.purchaseVisits)).toBe(segment)
    }
  })
})
