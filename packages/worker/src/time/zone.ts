/**
 * Calendar days in a site's time zone. Metrics are kept per local day, and a report's range runs
 * from local midnight to local midnight, daylight saving included.
 */

const formatters = new Map<string, Intl.DateTimeFormat>()

function formatter(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone)
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
    formatters.set(timeZone, format)
  }
  return format
}

function parts(instant: number, timeZone: string): Record<string, number> {
  return Object.fromEntries(
    formatter(timeZone)
      .formatToParts(instant)
      .filter((part) => part.type !== 'literal')
      .map((part) => [part.type, Number(part.value)]),
  )
}

/**
 * The local calendar day of an instant, as YYYY-MM-DD.
 * @example localDay(Date.parse('2026-11-23T23:30:00Z'), 'Europe/Berlin') // '2026-11-24'
 */
export function localDay(instant: number, timeZone: string): string {
  const p = parts(instant, timeZone)
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`
}

/** Milliseconds the zone is ahead of UTC at an instant. */
function offsetAt(instant: number, timeZone: string): number {
  const p = parts(instant, timeZone)
  const wall = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour! % 24, p.minute!, p.second!)
  return wall - Math.floor(instant / 1000) * 1000
}

/**
 * The instant a local day begins (its local midnight).
 * @example dayStart('2026-03-29', 'Europe/Berlin') // Date.parse('2026-03-28T23:00:00Z')
 */
export function dayStart(day: string, timeZone: string): number {
  const utcMidnight = Date.parse(`${day}T00:00:00Z`)
  // Two passes settle the offset on days when it changes.
  let guess = utcMidnight - offsetAt(utcMidnight, timeZone)
  guess = utcMidnight - offsetAt(guess, timeZone)
  return guess
}

/** The day after, as YYYY-MM-DD. @example nextDay('2026-12-31') // '2027-01-01' */
export function nextDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10)
}

/** Whether a string names a time zone this runtime knows. */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone)
    return true
  } catch {
    return false
  }
}
