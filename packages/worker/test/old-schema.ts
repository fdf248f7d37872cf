import { env } from 'cloudflare:test'
import { dayOf, type LogEntry } from './metrics-reference'

/**
 * D1 as the worker filled it before the ledger (migrations 0001–0009), written with raw SQL from
 * a request log: the rows the old events and decide routes stored, every visitor row carrying its
 * person's counters. The old schema's own triggers keep its rollups. Used to test the copy into
 * the ledger (`storage migrate`) on data of today's shape, without the old code.
 */

type Visit = {
  visitorId: string
  visitId: string
  startedAt: number
  segment: string
  url: string | null
  hasPurchase: boolean
}
type Order = {
  orderId: string
  eventId: string
  visitorId: string
  visitId: string
  revenueMicros: number
  discountMicros: number
  currency: string
  placedAt: number
}
type Exposure = {
  ruleId: string
  visitorId: string
  variant: string
  firstAt: number
  firstVisit: string
  lastAt: number
  lastVisit: string
  visits: number
}

export type OldCounters = {
  personId: string
  visits: number
  orders: number
  purchaseVisits: number
  revenueMicros: number
  lastPurchaseAt: number | null
}

/**
 * Writes the log's rows for a site into D1 and returns each visitor's counters as the old schema
 * stored them. `withoutDay`: visit and order ids whose `day` is left NULL, as rows written before
 * migration 0003 have it.
 * @example const counters = await writeOldSchema('site_1', log, { currency: 'USD', timeZone: 'UTC' })
 */
export async function writeOldSchema(
  siteId: string,
  log: LogEntry[],
  site: { currency: string; timeZone: string },
  withoutDay: ReadonlySet<string> = new Set(),
): Promise<Map<string, OldCounters>> {
  const person = new Map<string, string>()
  const personOf = (visitorId: string) => person.get(visitorId) ?? visitorId
  const seen = new Map<string, { first: number; last: number }>()
  const visits = new Map<string, Visit>()
  const orders = new Map<string, Order>()
  const events: unknown[][] = []
  const eventIds = new Set<string>()
  const exposures = new Map<string, Exposure>()

  for (const entry of log) {
    const sight = seen.get(entry.visitorId)
    if (entry.kind === 'decide') {
      if (!entry.ruleId || !entry.variant) continue
      const key = `${entry.ruleId}/${entry.visitorId}`
      const known = exposures.get(key)
      if (!known)
        exposures.set(key, {
          ruleId: entry.ruleId,
          visitorId: entry.visitorId,
          variant: entry.variant,
          firstAt: entry.at,
          firstVisit: entry.visitId,
          lastAt: entry.at,
          lastVisit: entry.visitId,
          visits: 1,
        })
      else {
        if (known.lastVisit !== entry.visitId) known.visits++
        known.lastAt = entry.at
        known.lastVisit = entry.visitId
      }
      continue
    }
    seen.set(entry.visitorId, { first: sight?.first ?? entry.at, last: entry.at })
    const signed = entry.events.filter((e) => e.type === 'identify' && e.signature).at(-1)
    if (signed && personOf(entry.visitorId) === entry.visitorId)
      person.set(entry.visitorId, `c:id:${signed.customerId}`)
    const key = `${entry.visitorId}/${entry.visitId}`
    if (!visits.has(key)) {
      const me = personOf(entry.visitorId)
      const earlier = [...visits.values()].filter(
        (v) => personOf(v.visitorId) === me && v.hasPurchase && v.startedAt < entry.at,
      ).length
      const landing = entry.events.find((e) => e.type === 'visit' || e.type === 'pageview')
      visits.set(key, {
        visitorId: entry.visitorId,
        visitId: entry.visitId,
        startedAt: entry.at,
        segment: earlier === 0 ? 'shopper' : earlier === 1 ? 'returning' : 'repeat',
        url: landing?.url ?? null,
        hasPurchase: false,
      })
    }
    for (const event of entry.events) {
      if (eventIds.has(event.id)) continue
      if (event.type === 'purchase') {
        if (orders.has(event.orderId!)) continue
        orders.set(event.orderId!, {
          orderId: event.orderId!,
          eventId: event.id,
          visitorId: entry.visitorId,
          visitId: entry.visitId,
          revenueMicros: Math.round(event.revenue! * 1e6),
          discountMicros: Math.round((event.discount ?? 0) * 1e6),
          currency: event.currency!,
          placedAt: entry.at,
        })
        visits.get(key)!.hasPurchase = true
      }
      eventIds.add(event.id)
      const { id, type, ...rest } = event
      const data =
        type === 'identify'
          ? { customerKey: `id:${event.customerId}`, verified: event.signature !== undefined }
          : rest
      events.push([id, entry.visitorId, entry.visitId, type, entry.at, JSON.stringify(data)])
    }
  }

  const counters = new Map<string, OldCounters>()
  for (const visitorId of seen.keys()) {
    const me = personOf(visitorId)
    const mine = (v: { visitorId: string }) => personOf(v.visitorId) === me
    const myOrders = [...orders.values()].filter(mine)
    counters.set(visitorId, {
      personId: me,
      visits: [...visits.values()].filter(mine).length,
      orders: myOrders.length,
      purchaseVisits: [...visits.values()].filter((v) => mine(v) && v.hasPurchase).length,
      revenueMicros: myOrders
        .filter((o) => o.currency === site.currency)
        .reduce((sum, o) => sum + o.revenueMicros, 0),
      lastPurchaseAt: myOrders.length ? Math.max(...myOrders.map((o) => o.placedAt)) : null,
    })
  }

  const day = (id: string, at: number) => (withoutDay.has(id) ? null : dayOf(at, site.timeZone))
  await insertRows(
    `INSERT INTO visitors (site_id, visitor_id, first_seen_at, last_seen_at, visits, orders, purchase_visits, revenue_micros,
       last_purchase_at, person_id)
     SELECT ?1, value->>0, value->>1, value->>2, value->>3, value->>4, value->>5, value->>6, value->>7, value->>8 FROM json_each(?2)`,
    siteId,
    [...seen.entries()].map(([visitorId, { first, last }]) => {
      const c = counters.get(visitorId)!
      return [
        visitorId,
        first,
        last,
        c.visits,
        c.orders,
        c.purchaseVisits,
        c.revenueMicros,
        c.lastPurchaseAt,
        c.personId,
      ]
    }),
  )
  // Visits before their orders, and marked as purchased after, as the old writer did (the old
  // schema's rollup triggers count them that way).
  await insertRows(
    `INSERT INTO visits (site_id, visitor_id, visit_id, started_at, segment, url, day)
     SELECT ?1, value->>0, value->>1, value->>2, value->>3, value->>4, value->>5 FROM json_each(?2)`,
    siteId,
    [...visits.values()].map((v) => [
      v.visitorId,
      v.visitId,
      v.startedAt,
      v.segment,
      v.url,
      day(v.visitId, v.startedAt),
    ]),
  )
  await insertRows(
    `INSERT INTO orders (site_id, order_id, event_id, visitor_id, visit_id, revenue_micros, currency, placed_at, day, discount_micros)
     SELECT ?1, value->>0, value->>1, value->>2, value->>3, value->>4, value->>5, value->>6, value->>7, value->>8 FROM json_each(?2)`,
    siteId,
    [...orders.values()].map((o) => [
      o.orderId,
      o.eventId,
      o.visitorId,
      o.visitId,
      o.revenueMicros,
      o.currency,
      o.placedAt,
      day(o.orderId, o.placedAt),
      o.discountMicros,
    ]),
  )
  await insertRows(
    `UPDATE visits SET has_purchase = 1 WHERE site_id = ?1 AND (visitor_id, visit_id) IN
       (SELECT value->>0, value->>1 FROM json_each(?2))`,
    siteId,
    [...visits.values()].filter((v) => v.hasPurchase).map((v) => [v.visitorId, v.visitId]),
  )
  await insertRows(
    `INSERT INTO events (site_id, event_id, visitor_id, visit_id, type, received_at, data)
     SELECT ?1, value->>0, value->>1, value->>2, value->>3, value->>4, value->>5 FROM json_each(?2)`,
    siteId,
    events,
  )
  await insertRows(
    `INSERT INTO exposures (site_id, rule_id, visitor_id, variant, ruleset_version, first_exposed_at, first_visit_id,
       last_exposed_at, last_visit_id, visits_exposed)
     SELECT ?1, value->>0, value->>1, value->>2, 1, value->>3, value->>4, value->>5, value->>6, value->>7 FROM json_each(?2)`,
    siteId,
    [...exposures.values()].map((e) => [
      e.ruleId,
      e.visitorId,
      e.variant,
      e.firstAt,
      e.firstVisit,
      e.lastAt,
      e.lastVisit,
      e.visits,
    ]),
  )
  return counters
}

async function insertRows(sql: string, siteId: string, rows: unknown[][]): Promise<void> {
  for (let offset = 0; offset < rows.length; offset += 500)
    await env.DB.prepare(sql)
      .bind(siteId, JSON.stringify(rows.slice(offset, offset + 500)))
      .run()
}
