// Numbers on the dashboard, written for people: percents with one decimal, money in the shop's
// currency, and "–" where a metric has no value (a ratio with nothing to divide by).

/** Shown for a metric without a value: never 0, never NaN. */
export const NONE = '–'

const PERCENT = new Intl.NumberFormat('en-US', {
  style: 'percent',
  minimumFractionDigits: 1,
  maximumFractionDigits: 1,
})
const SIGNED_PERCENT = new Intl.NumberFormat('en-US', {
  style: 'percent',
  minimumFractionDigits: 1,
  maximumFractionDigits: 1,
  signDisplay: 'exceptZero',
})
const POINTS = new Intl.NumberFormat('en-US', {
  minimumFractionDigits: 1,
  maximumFractionDigits: 1,
  signDisplay: 'exceptZero',
})
const COUNT = new Intl.NumberFormat('en-US')
const DAYS = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 })
const MONTH = new Intl.DateTimeFormat('en-US', { month: 'short', year: 'numeric', timeZone: 'UTC' })
const DAY = new Intl.DateTimeFormat('en-US', {
  month: 'short',
  day: 'numeric',
  year: 'numeric',
  timeZone: 'UTC',
})

/** @example formatPercent(0.4123) // '41.2%' */
export function formatPercent(value: number | null): string {
  return value === null ? NONE : PERCENT.format(value)
}

/** A change of a rate relative to another. @example formatSignedPercent(0.15) // '+15.0%' */
export function formatSignedPercent(value: number | null): string {
  return value === null ? NONE : SIGNED_PERCENT.format(value)
}

/**
 * A difference of two rates, in percentage points.
 * @example formatPoints(0.023) // '+2.3 pts'
 */
export function formatPoints(value: number | null): string {
  return value === null ? NONE : `${POINTS.format(value * 100)} pts`
}

function moneyFormat(currency: string, signed: boolean): Intl.NumberFormat {
  const options = {
    style: 'currency',
    currency,
    signDisplay: signed ? 'exceptZero' : 'auto',
  } as const
  try {
    return new Intl.NumberFormat('en-US', options)
  } catch {
    // A currency code this runtime does not know: still a number, with the code after it.
    return new Intl.NumberFormat('en-US', {
      minimumFractionDigits: 2,
      maximumFractionDigits: 2,
      signDisplay: options.signDisplay,
    })
  }
}

/** @example formatMoney(1234.5, 'USD') // '$1,234.50' */
export function formatMoney(value: number | null, currency: string): string {
  if (value === null) return NONE
  const format = moneyFormat(currency, false)
  return format.resolvedOptions().currency
    ? format.format(value)
    : `${format.format(value)} ${currency}`
}

/** @example formatSignedMoney(-0.5, 'USD') // '-$0.50' */
export function formatSignedMoney(value: number | null, currency: string): string {
  if (value === null) return NONE
  const format = moneyFormat(currency, true)
  return format.resolvedOptions().currency
    ? format.format(value)
    : `${format.format(value)} ${currency}`
}

/** @example formatCount(12345) // '12,345' */
export function formatCount(value: number): string {
  return COUNT.format(value)
}

/** @example formatDays(12.25) // '12.3 days' */
export function formatDays(value: number | null): string {
  if (value === null) return NONE
  const text = DAYS.format(value)
  return `${text} ${text === '1' ? 'day' : 'days'}`
}

/** @example formatMonth('2026-03') // 'Mar 2026' */
export function formatMonth(month: string): string {
  return MONTH.format(Date.parse(`${month}-01T00:00:00Z`))
}

/** @example formatDay('2026-03-31') // 'Mar 31, 2026' */
export function formatDay(day: string): string {
  return DAY.format(Date.parse(`${day}T00:00:00Z`))
}
