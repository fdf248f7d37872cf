import { twoDigits } from '../../lib/days'
import { wallClock, zonedInstant } from '../../lib/time-zone'
// The editor shows times as the shop's wall clock (its time zone), in `datetime-local` inputs;
// rules store ISO instants in UTC.

const LOCAL_PATTERN = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/

/**
 * A `datetime-local` value read as wall-clock time in the zone, as an ISO instant; null when the
 * value is not a date-time (the caller passes it on so validation names the field).
 * @example zonedToIso('2026-12-01T09:00', 'Europe/Berlin') // '2026-12-01T08:00:00.000Z'
 */
export function zonedToIso(local: string, timeZone: string): string | null {
  const match = LOCAL_PATTERN.exec(local)
  if (!match) return null
  const [, year, month, day, hour, minute, second] = match.map(Number) as number[]
  return new Date(
    zonedInstant(Date.UTC(year!, month! - 1, day!, hour!, minute!, second || 0), timeZone),
  ).toISOString()
}

/**
 * An ISO instant as a `datetime-local` value in the zone; '' for no or an unparseable time.
 * @example isoToZoned('2026-12-01T08:00:00.000Z', 'Europe/Berlin') // '2026-12-01T09:00'
 */
export function isoToZoned(iso: string | null | undefined, timeZone: string): string {
  const utc = iso ? Date.parse(iso) : NaN
  if (Number.isNaN(utc)) return ''
  const wall = wallClock(utc, timeZone)
  const [year, month, day, hour, minute] = [
    wall.year,
    wall.month,
    wall.day,
    wall.hour,
    wall.minute,
  ].map(twoDigits)
  return `${year}-${month}-${day}T${hour}:${minute}`
}

/**
 * An instant as people read it, in the shop's zone.
 * @example formatTime('2026-12-01T08:00:00.000Z', 'Europe/Berlin') // '2026-12-01 09:00 Europe/Berlin'
 */
export function formatTime(iso: string | null | undefined, timeZone: string): string {
  const local = isoToZoned(iso, timeZone)
  return local ? `${local.replace('T', ' ')} ${timeZone}` : ''
}
