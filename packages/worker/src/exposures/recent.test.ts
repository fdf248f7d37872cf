import { describe, expect, it } from 'vitest'
import type { Exposure } from '../ledger/client'
import { forgetWritten, takeUnwritten } from './recent'

const exposure = (visitId: string): Exposure => ({
  ruleId: 'r',
  visitorId: 'v-recent',
  visitId,
  variant: 'treatment',
  rulesetVersion: 1,
  offerCode: null,
})

describe('takeUnwritten', () => {
  it('lets the first exposure of a visit through, once', () => {
    expect(takeUnwritten('s', [exposure('a')])).toHaveLength(1)
    expect(takeUnwritten('s', [exposure('a')])).toHaveLength(0)
    expect(takeUnwritten('s', [exposure('b')])).toHaveLength(1)
  })

  it('lets a forgotten exposure through again', () => {
    expect(takeUnwritten('s', [exposure('c')])).toHaveLength(1)
    forgetWritten('s', [exposure('c')])
    expect(takeUnwritten('s', [exposure('c')])).toHaveLength(1)
  })
})
