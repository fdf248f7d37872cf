// The editor shows times as the shop's wall clock (its time zone), in `datetime-local` inputs;
// rules store ISO instants in UTC.

const LOCAL_PATTERN = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/

function zoneFormat(timeZone: string): Intl.DateTimeFormat {
  try {
    return new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
  } catch {
    // An unknown zone name: fall back to UTC rather than failing the page.
    return zoneFormat('UTC')
  }
}

/** The wall-clock fields of an instant in a zone. */
function wallClock(utc: number, timeZone: string): number[] {
  const parts = Object.fromEntries(zoneFormat(timeZone).formatToParts(utc).map((part) => [part.type, part.value]))
  return ['year', 'month', 'day', 'hour', 'minute', 'second'].map((type) => Number(parts[type]))
}

function offsetAt(utc: number, timeZone: string): number {
  const [year, month, day, hour, minute, second] = wallClock(utc, timeZone) as [number, number, number, number, number, number]
  return Date.UTC(year, month - 1, day, hour, minute, second) - Math.floor(utc / 1000) * 1000
}

/**
 * A `datetime-local` value read as wall-clock time in the zone, as an ISO instant; null when the
 * value is not a date-time (the caller passes it on so validation names the field).
 * @example zonedToIso('2026-12-01T09:00', 'Europe/Berlin') // '2026-12-01T08:00:00.000Z'
 */
export function zonedToIso(local: string, timeZone: string): string | null {
  const match = LOCAL_PATTERN.exec(local)
  if (!match) return null
  const [, year, month, day, hour, minute, second] = match.map(Number) as number[]
  const wall = Date.UTC(year!, month! - 1, day!, hour!, minute!, second || 0)
  // Twice, so a date next to a daylight-saving change takes the offset in force at that time.
  const first = wall - offsetAt(wall, timeZone)
  return new Date(wall - offsetAt(first, timeZone)).toISOString()
}

/**
 * An ISO instant as a `datetime-local` value in the zone; '' for no or an unparseable time.
 * @example isoToZoned('2026-12-01T08:00:00.000Z', 'Europe/Berlin') // '2026-12-01T09:00'
 */
export function isoToZoned(iso: string | null | undefined, timeZone: string): string {
  const utc = iso ? Date.parse(iso) : NaN
  if (Number.isNaN(utc)) return ''
  const [year, month, day, hour, minute] = wallClock(utc, timeZone).map((n) => String(n).padStart(2, '0'))
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
