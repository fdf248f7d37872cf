// When a customer's next purchase is due, and whether today is in the window around it.
//
// Expected next purchase: the last purchase day plus the customer's expected gap between purchases
// at their estimated rate, 7 (α + T) / (r + x) days — the reciprocal of the posterior mean rate
// (r + x) / (α + T) per week given the customer is alive. It moves later as T grows without a
// purchase (the rate estimate falls), and it can lie before asOf: the customer is overdue.
//
// Due for reorder: the gap is the customer's own median gap between purchase days once they have
// two gaps (x ≥ 2) — a real rhythm, which a Poisson rate ignores, matters for consumables — else
// the model's gap above. Today is due when the days since the last purchase are within
// REORDER_WINDOW of the gap: ± 20% of it, at least ± 1 day. Why ±20%: wide enough for the usual
// jitter of a habit (± 1 day on a weekly one, ± 6 days on a monthly one), narrow enough that a
// customer is due for at most 40% of their cycle, so a reorder offer is an event, not a constant.

import { addDays, dayNumber, DAYS_PER_WEEK } from './days'
import type { BgNbdParams } from './params'

/** The recommended window around the due day: a fraction of the gap, and at least minDays. */
export const REORDER_WINDOW = { fraction: 0.2, minDays: 1 }

/**
 * The model's expected gap in days between purchases of this customer: 7 (α + T) / (r + x).
 * @example modelGapDays({ r: 0.2426, alpha: 4.4135, a: 0.7929, b: 2.4258 }, 2, 38.86) // 135.1
 */
export function modelGapDays({ r, alpha }: BgNbdParams, x: number, T: number): number {
  return (DAYS_PER_WEEK * (alpha + T)) / (r + x)
}

/**
 * The day the next purchase is expected: lastDay + the model's gap, rounded to whole days.
 * @example expectedNextPurchaseDay(params, { x: 2, T: 38.86, lastDay: '1997-08-02' }) // '1997-12-15'
 */
export function expectedNextPurchaseDay(
  params: BgNbdParams,
  customer: { x: number; T: number; lastDay: string },
): string {
  return addDays(customer.lastDay, Math.round(modelGapDays(params, customer.x, customer.T)))
}

/**
 * The gap that "due for reorder" uses: the customer's own median gap when they have one (x ≥ 2),
 * else the model's.
 * @example reorderGapDays(params, { x: 3, T: 38.86, medianGapDays: 28 }) // 28
 */
export function reorderGapDays(
  params: BgNbdParams,
  customer: { x: number; T: number; medianGapDays: number | null },
): number {
  return customer.medianGapDays ?? modelGapDays(params, customer.x, customer.T)
}

/**
 * Days from the last purchase day to today (0 on the day of a purchase).
 * @example daysSinceLastPurchase('1997-09-30', '1997-08-02') // 59
 */
export function daysSinceLastPurchase(today: string, lastDay: string): number {
  return dayNumber(today) - dayNumber(lastDay)
}

/**
 * Whether today is within the window around lastDay + gapDays.
 * @example isDueForReorder({ today: '2026-03-30', lastDay: '2026-03-01', gapDays: 30 }) // true (29 days, window 24–36)
 */
export function isDueForReorder(
  { today, lastDay, gapDays }: { today: string; lastDay: string; gapDays: number },
  window: { fraction: number; minDays: number } = REORDER_WINDOW,
): boolean {
  if (!(gapDays > 0) || !Number.isFinite(gapDays)) return false
  const halfWidth = Math.max(window.minDays, window.fraction * gapDays)
  return Math.abs(daysSinceLastPurchase(today, lastDay) - gapDays) <= halfWidth
}
