import { MetricsQuerySchema } from '@stammis/contract'
import { addDays, daysBetween } from '../../lib/days'

// The dashboard's date range: the same days, defaults and limits as `GET /v1/admin/metrics`
// (src/metrics/routes.ts), but with messages a shop owner can act on, shown on the page.

/** The JSON API's longest range (metrics/routes.ts): ten years of days. */
const MAX_DAYS = 3660
/** The quick ranges next to the date inputs, in days ending today. */
export const QUICK_RANGES = [7, 30, 90, 365] as const
/** At most this many month-end points in the "over time" chart: one metrics call each. */
export const MAX_TREND_POINTS = 12

export type DayRange = { from: string; to: string }
export type RangeChoice =
  { ok: true; range: DayRange } | { ok: false; error: string; from: string; to: string }

/**
 * The last `days` days up to and including `today`.
 * @example quickRange(7, '2026-11-23') // { from: '2026-11-17', to: '2026-11-23' }
 */
export function quickRange(days: number, today: string): DayRange {
  return { from: addDays(today, -(days - 1)), to: today }
}

/**
 * Reads `?from&to` of the dashboard: empty or missing means the API's default (the last 30 days
 * up to today in the shop's time zone); anything else must be a real day, `from` not after `to`.
 * @example chooseRange({ from: '2026-11-01', to: '' }, '2026-11-23') // { ok: true, range: { from: '2026-11-01', to: '2026-11-23' } }
 */
export function chooseRange(query: { from?: string; to?: string }, today: string): RangeChoice {
  // A date input left empty is sent as `from=`: that means "the default", not an error.
  const from = query.from?.trim() || undefined
  const to = query.to?.trim() || undefined
  const shown = { from: from ?? '', to: to ?? '' }
  for (const [name, value] of [
    ['start', from],
    ['end', to],
  ] as const) {
    if (value !== undefined && !MetricsQuerySchema.safeParse({ from: value }).success) {
      return {
        ok: false,
        ...shown,
        error: `The ${name} date “${value}” is not a date. Pick one in the calendar, or type it as YYYY-MM-DD.`,
      }
    }
  }
  const end = to ?? today
  const start = from ?? addDays(end, -29)
  if (start > end)
    return {
      ok: false,
      ...shown,
      error: `The start date (${start}) is after the end date (${end}). Swap them, or pick a quick range.`,
    }
  if (daysBetween(start, end) >= MAX_DAYS) {
    return {
      ok: false,
      ...shown,
      error: `A report covers at most ${MAX_DAYS} days (about ten years). Pick a later start date.`,
    }
  }
  return { ok: true, range: { from: start, to: end } }
}

/**
 * The points of the "over time" chart: the last day of every month the range touches (the range's
 * own last day for its last month), at most `max` of them, the latest ones.
 * @example monthEnds('2026-01-15', '2026-03-10') // ['2026-01-31', '2026-02-28', '2026-03-10']
 */
export function monthEnds(from: string, to: string, max = MAX_TREND_POINTS): string[] {
  const days: string[] = []
  let [year, month] = from.split('-').map(Number) as [number, number]
  for (;;) {
    // Day 0 of the next month is the last day of this one.
    const last = new Date(Date.UTC(year, month, 0)).toISOString().slice(0, 10)
    if (last >= to) break
    days.push(last)
    year += Math.floor(month / 12)
    month = (month % 12) + 1
  }
  days.push(to)
  return days.slice(-max)
}
