import { MINUTE_MS } from '../src/lib/days'
import { zonedInstant } from '../src/lib/time-zone'

// 2026-01-15, 20260115, 2026-01-15 10:23, 2026-01-15T10:23:45.123, each optionally followed by
// Z, UTC, GMT, +01, +0100 or +01:00 (with or without a space before it).
const DATE_TIME =
  /^(\d{4})(-?)(\d{2})\2(\d{2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?$/i

/**
 * The instant an order was placed, from the way shops export dates, or null if it is not one.
 * A date with an offset means exactly that; without one it is a wall-clock time in `timeZone`.
 * A date alone is taken at noon, so its calendar day survives a shift of up to 12 hours between
 * `timeZone` and the site's time zone (the worker counts purchase visits per local day).
 * @example parseOrderDate('2026-01-15 10:23:45 +0100', 'UTC') // Date.parse('2026-01-15T09:23:45Z')
 * @example parseOrderDate('19970101', 'UTC') // Date.parse('1997-01-01T12:00:00Z')
 */
export function parseOrderDate(raw: string, timeZone: string): number | null {
  const match = DATE_TIME.exec(raw.trim())
  if (!match) return null
  const [, year, , month, day, hour, minute, second, fraction, offset] = match
  const hasTime = hour !== undefined
  const fields = [
    Number(year),
    Number(month) - 1,
    Number(day),
    hasTime ? Number(hour) : 12,
    hasTime ? Number(minute) : 0,
    Number(second ?? 0),
  ] as const
  const milliseconds = fraction ? Math.floor(Number(`0.${fraction}`) * 1000) : 0
  const wallAsUtc = Date.UTC(...fields, milliseconds)
  // Date.UTC rolls 2026-02-30 over into March: a date that does not exist comes back different.
  const back = new Date(wallAsUtc)
  const isReal =
    back.getUTCFullYear() === fields[0] &&
    back.getUTCMonth() === fields[1] &&
    back.getUTCDate() === fields[2] &&
    back.getUTCHours() === fields[3] &&
    back.getUTCMinutes() === fields[4] &&
    back.getUTCSeconds() === fields[5]
  if (!isReal) return null
  if (offset === undefined) return zonedInstant(wallAsUtc, timeZone)
  return wallAsUtc - offsetMs(offset)
}

/** Milliseconds an offset such as "+01:00", "-0530", "+01" or "Z" is ahead of UTC. */
function offsetMs(offset: string): number {
  if (/^(Z|UTC|GMT)$/i.test(offset)) return 0
  const digits = offset.slice(1).replace(':', '')
  const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || 0)
  return (offset[0] === '-' ? -1 : 1) * minutes * MINUTE_MS
}
