import { describe, expect, it } from 'vitest'
import {
  MAX_DELIVERY_ATTEMPTS,
  MAX_RETRY_DELAY_SECONDS,
  RETRY_BASE_SECONDS,
  retryDelaySeconds,
} from './limits'

describe('retry backoff', () => {
  it('doubles from the base on each attempt', () => {
    expect(
      Array.from({ length: MAX_DELIVERY_ATTEMPTS - 1 }, (_, i) => retryDelaySeconds(i + 1)),
    ).toEqual([30, 60, 120, 240, 480])
    expect(retryDelaySeconds(1)).toBe(RETRY_BASE_SECONDS)
  })

  it('never waits longer than the cap', () => {
    expect(retryDelaySeconds(20)).toBe(MAX_RETRY_DELAY_SECONDS)
  })
})
