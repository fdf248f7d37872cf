import { describe, expect, it } from 'vitest'
import { formatTime, isoToZoned, zonedToIso } from './time'

describe('shop time zone <-> ISO', () => {
  const cases: [string, string, string][] = [
    ['2026-12-01T09:00', 'UTC', '2026-12-01T09:00:00.000Z'],
    ['2026-12-01T09:00', 'Europe/Berlin', '2026-12-01T08:00:00.000Z'],
    ['2026-07-01T09:00', 'Europe/Berlin', '2026-07-01T07:00:00.000Z'],
    ['2026-03-29T03:30', 'Europe/Berlin', '2026-03-29T01:30:00.000Z'],
    ['2026-07-01T09:00', 'America/New_York', '2026-07-01T13:00:00.000Z'],
    ['2026-07-01T09:00:30', 'UTC', '2026-07-01T09:00:30.000Z'],
  ]
  it.each(cases)('%s in %s is %s, and back', (local, zone, iso) => {
    expect(zonedToIso(local, zone)).toBe(iso)
    expect(isoToZoned(iso, zone)).toBe(local.slice(0, 16))
  })

  it('leaves what is not a date-time to validation', () => {
    expect(zonedToIso('tomorrow', 'UTC')).toBeNull()
    expect(isoToZoned('nope', 'UTC')).toBe('')
    expect(isoToZoned(undefined, 'UTC')).toBe('')
  })

  it('falls back to UTC for an unknown zone, and formats for people', () => {
    expect(zonedToIso('2026-12-01T09:00', 'Mars/Olympus')).toBe('2026-12-01T09:00:00.000Z')
    expect(formatTime('2026-12-01T08:00:00.000Z', 'Europe/Berlin')).toBe(
      '2026-12-01 09:00 Europe/Berlin',
    )
    expect(formatTime(null, 'UTC')).toBe('')
  })
})
