import { describe, expect, it } from 'vitest'
import type { Exposure } from './queries'
import { forgetWritten, takeUnwritten } from './recent'

const exposure = (visitId: string): Exposure => ({
  siteId: 's',
  ruleId: 'r',
  visitorId: 'v-recent',
  visitId,
  variant: 'treatment',
  rulesetVersion: 1,
  offerCode: null,
})

describe('takeUnwritten', () => {
  it('lets the first exposure of a visit through, once', () => {
    expect(takeUnwritten([exposure('a')])).toHaveLength(1)
    expect(takeUnwritten([exposure('a')])).toHaveLength(0)
    expect(takeUnwritten([exposure('b')])).toHaveLength(1)
  })

  it('lets a forgotten exposure through again', () => {
    expect(takeUnwritten([exposure('c')])).toHaveLength(1)
    forgetWritten([exposure('c')])
    expect(takeUnwritten([exposure('c')])).toHaveLength(1)
  })
})
