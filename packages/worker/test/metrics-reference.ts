/**
 * An independent, deliberately plain computation of every metric from the raw request log: no
 * SQL, no rollups, no shared helpers with the worker (time zones through toLocaleDateString and a
 * search for midnight). The metrics tests require the worker to agree with it.
 */
import type { MetricsReport, Segment } from '@stammis/contract'

export type LoggedEvent = {
  id: string
  type: string
  url?: string
  orderId?: string
  revenue?: number
  currency?: string
  discount?: number
  customerId?: string
  signature?: string
}
export type LogEntry =
  | { at: number; kind: 'events'; visitorId: string; visitId: string; events: LoggedEvent[] }
  | {
      at: number
      kind: 'decide'
      visitorId: string
      visitId: string
      ruleId: string | null
      variant: 'treatment' | 'control' | null
    }

type Visit = {
  visitorId: string
  visitId: string
  startedAt: number
  segment: Segment
  orders: Order[]
}
type Order = {
  visitorId: string
  visitId: string
  placedAt: number
  revenue: number
  currency: string
  discount: number
}

const DAY = 86_400_000

export function dayOf(instant: number, timeZone: string): string {
  return new Date(instant).toLocaleDateString('en-CA', { timeZone })
}

/** The first millisecond whose local day is `day`: found by search, not by offset arithmetic. */
export function midnightOf(day: string, timeZone: string): number {
  let low = Date.parse(`${day}T00:00:00Z`) - 2 * DAY
  let high = low + 3 * DAY
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2)
    if (dayOf(middle, timeZone) < day) low = middle
    else high = middle
  }
  return high
}

function nextDayOf(day: string): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number]
  const next = new Date(Date.UTC(y, m - 1, d + 1))
  return next.toISOString().slice(0, 10)
}

/** Replays the log with the API's dedupe and visit rules. */
function replay(log: LogEntry[]): {
  visits: Visit[]
  orders: Order[]
  firstExposure: Map<string, { at: number; variant: string }>
  personOf: (visitorId: string) => string
} {
  const visits = new Map<string, Visit>()
  // Who is who: a visitor is its own person until a signed identify; then it joins the customer.
  const people = new Map<string, string>()
  const personOf = (visitorId: string) => people.get(visitorId) ?? visitorId
  const seenEvents = new Set<string>()
  const seenOrders = new Set<string>()
  const orders: Order[] = []
  const firstExposure = new Map<string, { at: number; variant: string }>()
  for (const entry of [...log].sort((a, b) => a.at - b.at)) {
    const key = `${entry.visitorId}/${entry.visitId}`
    if (entry.kind === 'decide') {
      const exposureKey = `${entry.ruleId}/${entry.visitorId}`
      if (entry.ruleId && entry.variant && !firstExposure.has(exposureKey))
        firstExposure.set(exposureKey, { at: entry.at, variant: entry.variant })
      continue
    }
    // Only an identify the shop's server signed merges (the log holds valid signatures or none).
    const identified = entry.events
      .filter((e) => e.type === 'identify' && e.signature !== undefined)
      .at(-1)
    if (identified && personOf(entry.visitorId) === entry.visitorId)
      people.set(entry.visitorId, `customer:${identified.customerId}`)
    if (!visits.has(key)) {
      const person = personOf(entry.visitorId)
      const earlier = [...visits.values()].filter(
        (v) => personOf(v.visitorId) === person && v.orders.length > 0,
      ).length
      visits.set(key, {
        visitorId: entry.visitorId,
        visitId: entry.visitId,
        startedAt: entry.at,
        segment: earlier === 0 ? 'shopper' : earlier === 1 ? 'returning' : 'repeat',
        orders: [],
      })
    }
    for (const event of entry.events) {
      if (seenEvents.has(event.id)) continue
      if (event.type === 'purchase') {
        if (seenOrders.has(event.orderId!)) continue
        seenOrders.add(event.orderId!)
        const order = {
          visitorId: entry.visitorId,
          visitId: entry.visitId,
          placedAt: entry.at,
          revenue: event.revenue!,
          currency: event.currency!,
          discount: event.discount ?? 0,
        }
        orders.push(order)
        visits.get(key)!.orders.push(order)
      }
      seenEvents.add(event.id)
    }
  }
  return { visits: [...visits.values()], orders, firstExposure, personOf }
}

const share = (a: number, b: number) => (b === 0 ? null : a / b)

export function referenceMetrics(
  log: LogEntry[],
  site: { currency: string; timeZone: string; lapseDays: number },
  from: string,
  to: string,
  holdoutRuleIds: string[],
): MetricsReport {
  const { visits, orders, firstExposure, personOf } = replay(log)
  const start = midnightOf(from, site.timeZone)
  const end = midnightOf(nextDayOf(to), site.timeZone)
  const inCurrency = (o: Order) => (o.currency === site.currency ? o.revenue : 0)

  const inRange = visits.filter((v) => {
    const day = dayOf(v.startedAt, site.timeZone)
    return day >= from && day <= to
  })
  const allVisits = inRange.length
  const allRevenue = inRange.flatMap((v) => v.orders).reduce((s, o) => s + inCurrency(o), 0)
  const segments = {} as MetricsReport['segments']
  for (const segment of ['shopper', 'returning', 'repeat'] as const) {
    const mine = inRange.filter((v) => v.segment === segment)
    const mineOrders = mine.flatMap((v) => v.orders)
    const revenue = mineOrders.reduce((s, o) => s + inCurrency(o), 0)
    segments[segment] = {
      visitors: new Set(mine.map((v) => v.visitorId)).size,
      visits: mine.length,
      orders: mineOrders.length,
      revenue,
      conversionRate: share(mine.filter((v) => v.orders.length > 0).length, mine.length),
      aov: share(revenue, mineOrders.length),
      trafficShare: share(mine.length, allVisits),
      revenueShare: share(revenue, allRevenue),
    }
  }

  // Customers, as of the end of the range.
  const past = orders.filter((o) => o.placedAt < end)
  const byCustomer = new Map<string, Order[]>()
  for (const order of past)
    byCustomer.set(personOf(order.visitorId), [
      ...(byCustomer.get(personOf(order.visitorId)) ?? []),
      order,
    ])
  const lapse = site.lapseDays * DAY
  let repeaters = 0,
    lapsed = 0,
    revenue = 0,
    newInRange = 0,
    activeAtStart = 0,
    activeAtEnd = 0
  const gaps: number[] = []
  for (const customerOrders of byCustomer.values()) {
    const visitStarts = new Map<string, number>()
    for (const o of customerOrders)
      visitStarts.set(
        `${o.visitorId}/${o.visitId}`,
        Math.min(visitStarts.get(`${o.visitorId}/${o.visitId}`) ?? Infinity, o.placedAt),
      )
    const times = [...visitStarts.values()].sort((a, b) => a - b)
    if (times.length >= 2) repeaters++
    for (let i = 1; i < times.length; i++) gaps.push(times[i]! - times[i - 1]!)
    const last = Math.max(...customerOrders.map((o) => o.placedAt))
    const first = Math.min(...customerOrders.map((o) => o.placedAt))
    const before = customerOrders.filter((o) => o.placedAt < start).map((o) => o.placedAt)
    if (end - last > lapse) lapsed++
    else activeAtEnd++
    if (first >= start) newInRange++
    if (before.length > 0 && start - Math.max(...before) <= lapse) activeAtStart++
    revenue += customerOrders.reduce((s, o) => s + inCurrency(o), 0)
  }
  gaps.sort((a, b) => a - b)
  const total = byCustomer.size
  const middle = Math.floor(gaps.length / 2)
  const medianGap =
    gaps.length === 0
      ? null
      : gaps.length % 2
        ? gaps[middle]!
        : (gaps[middle - 1]! + gaps[middle]!) / 2

  // Cohorts by month of first purchase.
  const lastMonth = dayOf(end - 1, site.timeZone).slice(0, 7)
  const monthsOf = new Map<string, Set<string>>()
  for (const o of past)
    monthsOf.set(
      personOf(o.visitorId),
      (monthsOf.get(personOf(o.visitorId)) ?? new Set()).add(
        dayOf(o.placedAt, site.timeZone).slice(0, 7),
      ),
    )
  const cohortMembers = new Map<string, string[]>()
  for (const [visitor, months] of monthsOf) {
    const first = [...months].sort()[0]!
    cohortMembers.set(first, [...(cohortMembers.get(first) ?? []), visitor])
  }
  const cohorts = [...cohortMembers.keys()].sort().map((month) => {
    const members = cohortMembers.get(month)!
    const later = []
    let [y, m] = month.split('-').map(Number) as [number, number]
    for (let after = 1; ; after++) {
      m++
      if (m > 12) {
        m = 1
        y++
      }
      const next = `${y}-${String(m).padStart(2, '0')}`
      if (next > lastMonth) break
      const customers = members.filter((v) => monthsOf.get(v)!.has(next)).length
      later.push({ month: next, monthsAfter: after, customers, share: customers / members.length })
    }
    return { month, customers: members.length, later }
  })

  // Offers: first exposures in range, orders within 7 days of them.
  const offers = [...holdoutRuleIds].sort().map((ruleId) => {
    const arm = (variant: string) => {
      let exposed = 0,
        converted = 0,
        revenue = 0,
        discount = 0
      for (const [key, exposure] of firstExposure) {
        const [rule, visitor] = key.split('/')
        if (
          rule !== ruleId ||
          exposure.variant !== variant ||
          exposure.at < start ||
          exposure.at >= end
        )
          continue
        exposed++
        const within = orders.filter(
          (o) =>
            o.visitorId === visitor &&
            o.placedAt >= exposure.at &&
            o.placedAt < exposure.at + 7 * DAY,
        )
        if (within.length > 0) converted++
        revenue += within.reduce((s, o) => s + inCurrency(o), 0)
        discount += within.reduce((s, o) => s + (o.currency === site.currency ? o.discount : 0), 0)
      }
      return {
        exposed,
        converted,
        conversionRate: share(converted, exposed),
        revenue,
        discount,
        netRevenuePerExposed: share(revenue - discount, exposed),
      }
    }
    const treatment = arm('treatment')
    const control = arm('control')
    let lift = null,
      low = null,
      high = null,
      relative = null,
      isSignificant = false
    if (treatment.exposed > 0 && control.exposed > 0) {
      const pt = treatment.converted / treatment.exposed
      const pc = control.converted / control.exposed
      lift = pt - pc
      const se = Math.sqrt((pt * (1 - pt)) / treatment.exposed + (pc * (1 - pc)) / control.exposed)
      low = lift - 1.959963984540054 * se
      high = lift + 1.959963984540054 * se
      relative = pc === 0 ? null : pt / pc - 1
      isSignificant = low > 0 || high < 0
    }
    return {
      ruleId,
      treatment,
      control,
      lift,
      liftLow: low,
      liftHigh: high,
      relativeLift: relative,
      isSignificant,
      netRevenuePerExposedLift:
        treatment.netRevenuePerExposed === null || control.netRevenuePerExposed === null
          ? null
          : treatment.netRevenuePerExposed - control.netRevenuePerExposed,
    }
  })

  return {
    from,
    to,
    currency: site.currency,
    timeZone: site.timeZone,
    segments,
    totals: {
      visits: allVisits,
      orders: inRange.flatMap((v) => v.orders).length,
      revenue: allRevenue,
    },
    customers: {
      total,
      repeatRate: share(repeaters, total),
      medianDaysBetweenPurchases: medianGap === null ? null : medianGap / DAY,
      lapsedRate: share(lapsed, total),
      revenuePerCustomer: share(revenue, total),
      retentionRate: share(activeAtEnd - newInRange, activeAtStart),
      activeAtStart,
      activeAtEnd,
      newInRange,
    },
    cohorts,
    offers,
    // The generated log has no bots, and no server reports to conflict with the browser's.
    botsFiltered: { events: 0, decides: 0 },
    conflicts: 0,
  }
}
