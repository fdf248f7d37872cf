import { describe, expect, it } from 'vitest'
import { dayStart, localDay } from './time-zone'

describe('time zones', () => {
  it('finds the local day of an instant', () => {
    expect(localDay(Date.parse('2026-11-23T23:30:00Z'), 'UTC')).toBe('2026-11-23')
    expect(localDay(Date.parse('2026-11-23T23:30:00Z'), 'Europe/Berlin')).toBe('2026-11-24')
    expect(localDay(Date.parse('2026-11-24T03:00:00Z'), 'America/New_York')).toBe('2026-11-23')
  })

  it('finds local midnight, across daylight saving changes', () => {
    expect(dayStart('2026-11-23', 'UTC')).toBe(Date.parse('2026-11-23T00:00:00Z'))
    expect(dayStart('2026-03-29', 'Europe/Berlin')).toBe(Date.parse('2026-03-28T23:00:00Z'))
    expect(dayStart('2026-03-30', 'Europe/Berlin')).toBe(Date.parse('2026-03-29T22:00:00Z'))
    expect(dayStart('2026-11-01', 'America/New_York')).toBe(Date.parse('2026-11-01T04:00:00Z'))
    expect(dayStart('2026-11-02', 'America/New_York')).toBe(Date.parse('2026-11-02T05:00:00Z'))
    expect(dayStart('2026-07-01', 'Asia/Kolkata')).toBe(Date.parse('2026-06-30T18:30:00Z'))
  })
})
