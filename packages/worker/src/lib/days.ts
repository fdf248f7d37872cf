// Durations in milliseconds, and calendar days as YYYY-MM-DD texts (UTC calendar arithmetic: a
// day of a site's own time zone is turned into instants by lib/time-zone.ts).

export const SECOND_MS = 1000
export const MINUTE_MS = 60 * SECOND_MS
export const HOUR_MS = 60 * MINUTE_MS
export const DAY_MS = 24 * HOUR_MS
export const WEEK_MS = 7 * DAY_MS

/**
 * The UTC calendar day of an instant, as YYYY-MM-DD.
 * @example utcDay(0) // '1970-01-01'
 */
export function utcDay(instant: number): string {
  return new Date(instant).toISOString().slice(0, 10)
}

/**
 * The instant a YYYY-MM-DD day begins in UTC.
 * @example utcMidnight('1970-01-02') // 86_400_000
 */
export function utcMidnight(day: string): number {
  return Date.parse(`${day}T00:00:00Z`)
}

/**
 * A day `count` days after (or before, when negative) a YYYY-MM-DD day.
 * @example addDays('2026-03-01', -1) // '2026-02-28'
 */
export function addDays(day: string, count: number): string {
  return utcDay(utcMidnight(day) + count * DAY_MS)
}

/** The day after, as YYYY-MM-DD. @example nextDay('2026-12-31') // '2027-01-01' */
export function nextDay(day: string): string {
  return addDays(day, 1)
}

/**
 * Whole days from one YYYY-MM-DD day to another (negative when `to` is earlier).
 * @example daysBetween('2026-01-01', '2026-01-31') // 30
 */
export function daysBetween(from: string, to: string): number {
  return (utcMidnight(to) - utcMidnight(from)) / DAY_MS
}

/**
 * A number as at least two digits, for dates and times written by hand.
 * @example twoDigits(7) // '07'
 */
export function twoDigits(value: number): string {
  return String(value).padStart(2, '0')
}
