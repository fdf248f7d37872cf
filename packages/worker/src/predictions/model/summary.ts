// From orders to what the models read about each customer, in weeks.
//
// Conventions (those of the papers' CDNOW calibration summary, which this reproduces):
// - one purchase per calendar day: all orders of a customer on one local day are one transaction,
//   their revenue summed;
// - orders after asOf are ignored; asOf itself is observed in full;
// - time is counted in whole days, each purchase at its day's number: x = repeat purchase days
//   (purchase days − 1), tx = (last purchase day − first purchase day) / 7, and
//   T = (asOf − first purchase day) / 7. Equivalently, a purchase happens at the end of its day
//   and the observation ends at the end of asOf, so a purchase on asOf has tx = T. CDNOW customer
//   0001 bought on 1997-01-01, -01-18 and -08-02: x = 2, tx = 213 / 7 = 30.43, and as of
//   1997-09-30, T = 272 / 7 = 38.86, as in the paper;
// - monetary = mean revenue of the repeat purchase days (the first purchase is left out, as in
//   the Gamma-Gamma paper); 0 when x = 0.

import { DAYS_PER_WEEK, dayFromNumber, dayNumber } from './days'

/** One order: who, on which local day, for how much (in the site's currency, ≥ 0). */
export interface OrderRow {
  customerId: string
  day: string
  revenue: number
}

/** A customer's history as the models see it (times in weeks). */
export interface CustomerSummary {
  customerId: string
  firstDay: string
  lastDay: string
  /** Repeat purchase days: purchase days after the first. */
  x: number
  /** Weeks from the first to the last purchase day. */
  tx: number
  /** Weeks from the first purchase day to asOf. */
  T: number
  /** Mean revenue of the repeat purchase days; 0 when x = 0. */
  monetary: number
  /** Median days between consecutive purchase days, once there are two gaps (x ≥ 2); else null. */
  medianGapDays: number | null
}

/** Every customer with a purchase on or before asOf, and totals over all their purchase days. */
export interface OrdersSummary {
  asOf: string
  customers: CustomerSummary[]
  /** Purchase days on or before asOf, first ones included. */
  purchaseDays: number
  /** Revenue of those days. */
  revenue: number
}

/** Customers with the same (x, tx, T): the BG/NBD likelihood only needs each distinct row once. */
export interface FrequencyGroup {
  x: number
  tx: number
  T: number
  count: number
}

/**
 * Summarises orders as of a day (see the conventions above). Throws RangeError for a malformed
 * row, naming it.
 * @example
 * summarizeOrders([
 *   { customerId: 'a', day: '1997-01-01', revenue: 29.33 },
 *   { customerId: 'a', day: '1997-01-18', revenue: 29.73 },
 * ], '1997-09-30').customers[0]
 * // { customerId: 'a', firstDay: '1997-01-01', lastDay: '1997-01-18', x: 1, tx: 17 / 7,
 * //   T: 272 / 7, monetary: 29.73, medianGapDays: null }
 */
export function summarizeOrders(orders: Iterable<OrderRow>, asOf: string): OrdersSummary {
  const end = dayNumber(asOf)
  const revenueByDay = new Map<string, Map<number, number>>()
  let index = 0
  for (const order of orders) {
    const day = checkedDay(order, index++)
    if (day > end) continue
    let days = revenueByDay.get(order.customerId)
    if (!days) revenueByDay.set(order.customerId, (days = new Map()))
    days.set(day, (days.get(day) ?? 0) + order.revenue)
  }

  const customers: CustomerSummary[] = []
  let purchaseDays = 0
  let revenue = 0
  for (const [customerId, byDay] of revenueByDay) {
    const days = [...byDay.keys()].sort((p, q) => p - q)
    const first = days[0]!
    const last = days[days.length - 1]!
    let repeatRevenue = 0
    for (const day of days.slice(1)) repeatRevenue += byDay.get(day)!
    for (const dayRevenue of byDay.values()) revenue += dayRevenue
    purchaseDays += days.length
    const x = days.length - 1
    customers.push({
      customerId,
      firstDay: dayFromNumber(first),
      lastDay: dayFromNumber(last),
      x,
      tx: (last - first) / DAYS_PER_WEEK,
      T: (end - first) / DAYS_PER_WEEK,
      monetary: x === 0 ? 0 : repeatRevenue / x,
      medianGapDays: x >= 2 ? median(days.slice(1).map((day, i) => day - days[i]!)) : null,
    })
  }
  return { asOf, customers, purchaseDays, revenue }
}

/**
 * Groups identical (x, tx, T) rows with counts, sorted, so a fit's cost grows with the distinct
 * rows (about half of CDNOW's customers) rather than with all customers, and does not depend on
 * the order of the input.
 * @example groupByFrequency([{ x: 0, tx: 0, T: 38.86 }, { x: 0, tx: 0, T: 38.86 }])
 * // [{ x: 0, tx: 0, T: 38.86, count: 2 }]
 */
export function groupByFrequency(
  customers: Iterable<{ x: number; tx: number; T: number }>,
): FrequencyGroup[] {
  const groups = new Map<string, FrequencyGroup>()
  for (const { x, tx, T } of customers) {
    const key = `${x}|${tx}|${T}`
    const group = groups.get(key)
    if (group) group.count++
    else groups.set(key, { x, tx, T, count: 1 })
  }
  return [...groups.values()].sort((p, q) => p.x - q.x || p.tx - q.tx || p.T - q.T)
}

/** The order's day number, after checking the whole row. */
function checkedDay(order: OrderRow, index: number): number {
  if (typeof order.customerId !== 'string' || order.customerId === '') {
    throw new RangeError(`order ${index}: customerId must be a non-empty string`)
  }
  if (!Number.isFinite(order.revenue) || order.revenue < 0) {
    throw new RangeError(
      `order ${index}: revenue must be a finite number ≥ 0, got ${order.revenue}`,
    )
  }
  try {
    return dayNumber(order.day)
  } catch {
    throw new RangeError(
      `order ${index}: day must be a calendar day YYYY-MM-DD, got ${JSON.stringify(order.day)}`,
    )
  }
}

function median(values: number[]): number {
  const sorted = values.slice().sort((p, q) => p - q)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}
