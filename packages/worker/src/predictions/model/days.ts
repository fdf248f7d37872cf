// Calendar days as whole numbers, so that time in the models is exact day arithmetic.
// A day is 'YYYY-MM-DD', the local calendar day in the site's time zone (the caller's job).

const DAY_MS = 86_400_000
const DAY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/

/** The models' time unit is the week: 7 calendar days. */
export const DAYS_PER_WEEK = 7

/**
 * Days since 1970-01-01 of a 'YYYY-MM-DD' day; throws RangeError for anything else.
 * @example dayNumber('1997-09-30') - dayNumber('1997-01-01') // 272
 */
export function dayNumber(day: string): number {
  const match = DAY_PATTERN.exec(day)
  if (match) {
    const [year, month, date] = [Number(match[1]), Number(match[2]), Number(match[3])]
    const time = Date.UTC(year, month - 1, date)
    // Date.UTC rolls 1997-02-30 over to March; a real day survives the round trip.
    if (new Date(time).getUTCDate() === date && new Date(time).getUTCMonth() === month - 1)
      return time / DAY_MS
  }
  throw new RangeError(`not a calendar day (YYYY-MM-DD): ${JSON.stringify(day)}`)
}

/**
 * The 'YYYY-MM-DD' day of a day number.
 * @example dayFromNumber(10_134) // '1997-09-30'
 */
export function dayFromNumber(days: number): string {
  return new Date(days * DAY_MS).toISOString().slice(0, 10)
}

/**
 * A day plus (or minus) whole days.
 * @example addDays('1997-09-30', 2) // '1997-10-02'
 */
export function addDays(day: string, days: number): string {
  return dayFromNumber(dayNumber(day) + days)
}
