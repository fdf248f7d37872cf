/**
 * Calendar days in a site's time zone. Metrics are kept per local day, and a report's range runs
 * from local midnight to local midnight, daylight saving included.
 */
import { twoDigits, utcMidnight } from './days'

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

export type WallClock = {
  year: number
  month: number
  day: number
  hour: number
  minute: number
  second: number
}

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  try {
    return formatter(timeZone)
  } catch {
    // An unknown zone name (stored before it was validated): read it as UTC rather than fail.
    return formatter('UTC')
  }
}

/**
 * The wall-clock fields of an instant in a zone.
 * @example wallClock(Date.parse('2026-11-23T23:30:00Z'), 'Europe/Berlin').day // 24
 */
export function wallClock(instant: number, timeZone: string): WallClock {
  const fields = Object.fromEntries(
    formatterFor(timeZone)
      .formatToParts(instant)
      .filter((part) => part.type !== 'literal')
      .map((part) => [part.type, Number(part.value)]),
  ) as Record<string, number>
  return {
    year: fields.year!,
    month: fields.month!,
    day: fields.day!,
    hour: fields.hour! % 24,
    minute: fields.minute!,
    second: fields.second!,
  }
}

/**
 * The local calendar day of an instant, as YYYY-MM-DD.
 * @example localDay(Date.parse('2026-11-23T23:30:00Z'), 'Europe/Berlin') // '2026-11-24'
 */
export function localDay(instant: number, timeZone: string): string {
  const wall = wallClock(instant, timeZone)
  return `${wall.year}-${twoDigits(wall.month)}-${twoDigits(wall.day)}`
}

/** Milliseconds the zone is ahead of UTC at an instant. */
function offsetAt(instant: number, timeZone: string): number {
  const wall = wallClock(instant, timeZone)
  return (
    Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second) -
    Math.floor(instant / 1000) * 1000
  )
}

/**
 * The instant at which the zone's clocks show a wall-clock time, given as if it were UTC
 * (`Date.UTC(...)` of the local fields).
 * @example zonedInstant(Date.UTC(2026, 11, 1, 9, 0), 'Europe/Berlin') // Date.parse('2026-12-01T08:00:00Z')
 */
export function zonedInstant(wallAsUtc: number, timeZone: string): number {
  // Two passes settle the offset next to a daylight-saving change.
  const guess = wallAsUtc - offsetAt(wallAsUtc, timeZone)
  return wallAsUtc - offsetAt(guess, timeZone)
}

/**
 * The instant a local day begins (its local midnight).
 * @example dayStart('2026-03-29', 'Europe/Berlin') // Date.parse('2026-03-28T23:00:00Z')
 */
export function dayStart(day: string, timeZone: string): number {
  return zonedInstant(utcMidnight(day), timeZone)
}
