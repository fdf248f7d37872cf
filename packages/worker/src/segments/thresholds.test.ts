import { SEGMENTS } from '@stammis/contract'
import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { classify } from './classify'
import { previewProfile } from './preview-profile'
import { segmentCaseSql } from './queries'
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

  it('the generated SQL classifies every count as classify does', async () => {
    expect(segmentCaseSql('?1')).toBe(
      "CASE ?1 WHEN 0 THEN 'shopper' WHEN 1 THEN 'returning' ELSE 'repeat' END",
    )
    for (let count = 0; count <= TOP_THRESHOLD + 3; count++) {
      const row = await env.DB.prepare(`SELECT ${segmentCaseSql('?1')} AS segment`)
        .bind(count)
        .first<{ segment: string }>()
      expect(row?.segment, `count ${count}`).toBe(classify(count))
    }
  })

  it("preview's made-up profile of a segment classifies as that segment", () => {
    for (const segment of SEGMENTS) {
      const profile = previewProfile({ segment, lapsed: false }, 90, Date.now())
      expect(profile.purchaseVisits).toBe(MIN_PURCHASE_VISITS[segment])
      expect(classify(profile.purchaseVisits)).toBe(segment)
    }
  })
})
