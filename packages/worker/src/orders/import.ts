import type { ServerOrder, ServerOrdersResult } from '@stammis/contract'
import type { Env } from '../env'
import { customerPersonId } from '../identity/customer-key'
import { linkVisitorStatement } from '../identity/queries'
import { toMicros } from '../segments/classify'
import { markVisitPurchasesStatement, recomputeVisitorStatement, SEGMENT_AT_START } from '../segments/queries'
import type { Site } from '../sites/site'
import { localDay } from '../time/zone'
import { findOrders, findVisitors, type KnownVisitor } from './queries'

/** A server order placed within this long after a visit began belongs to that visit. */
const SAME_VISIT_MS = 24 * 60 * 60 * 1000

type Target = { visitorId: string; visitId: string; personId: string }

/**
 * Stores orders reported by the shop's server (verified), in one D1 transaction, idempotent by
 * order id:
 * - an order the browser already reported is confirmed (marked verified), nothing else changes;
 * - an order already verified is a duplicate;
 * - a new order with a `visitorId` joins that visitor's visit it was placed in (or a visit of its
 *   own that day), and links the visitor to the customer;
 * - a new order with only a `customerId` is history: it counts as a purchase in a past visit, one
 *   visit per calendar day (site time zone) per customer.
 * Orders are applied oldest first, so each past visit starts in the segment its history gives.
 * @example await importOrders(env, site, [{ orderId: 'A-1', customerId: 'c-1', revenue: 20, currency: 'USD', placedAt: '2026-01-02T10:00:00Z' }], 'import')
 */
export async function importOrders(env: Env, site: Site, orders: ServerOrder[], source: 'server' | 'import'): Promise<ServerOrdersResult> {
  const db = env.DB
  const sorted = [...orders].sort((a, b) => Date.parse(a.placedAt) - Date.parse(b.placedAt))
  const existing = await findOrders(db, site.id, sorted.map((order) => order.orderId))
  const visitors = await findVisitors(db, site.id, [...new Set(sorted.flatMap((order) => (order.visitorId ? [order.visitorId] : [])))])
  const personOfCustomer = new Map<string, string>()
  for (const order of sorted) {
    if (order.customerId && !personOfCustomer.has(order.customerId)) personOfCustomer.set(order.customerId, await customerPersonId(site.codeSecret, order.customerId))
  }

  const statements: D1PreparedStatement[] = []
  const seenOrders = new Set<string>()
  const startedVisits = new Set<string>()
  const touchedPeople = new Map<string, string>()
  const result: ServerOrdersResult = { accepted: 0, confirmed: 0, duplicates: 0 }

  for (const order of sorted) {
    const placedAt = Date.parse(order.placedAt)
    const known = existing.get(order.orderId)
    if (seenOrders.has(order.orderId) || known?.verified) {
      result.duplicates++
      continue
    }
    seenOrders.add(order.orderId)
    if (known) {
      // The browser reported it first: the server's word makes it verified.
      statements.push(db.prepare('UPDATE orders SET verified = 1 WHERE site_id = ?1 AND order_id = ?2').bind(site.id, order.orderId))
      statements.push(markVisitPurchasesStatement(db, site.id, known.visitorId, known.visitId, site.trustBrowserPurchases))
      touchedPeople.set(known.visitorId, known.visitorId)
      result.confirmed++
      continue
    }

    const customerPerson = order.customerId ? personOfCustomer.get(order.customerId)! : undefined
    const target = chooseTarget(order, placedAt, customerPerson, visitors, site.timeZone)
    statements.push(...ensureVisitor(db, site.id, target, customerPerson, visitors, placedAt))
    const visitKey = `${target.visitorId}/${target.visitId}`
    if (!startedVisits.has(visitKey)) {
      startedVisits.add(visitKey)
      statements.push(
        db
          .prepare(
            `INSERT OR IGNORE INTO visits (site_id, visitor_id, visit_id, started_at, segment, day, tracked)
             VALUES (?1, ?2, ?3, ?4, ${SEGMENT_AT_START}, ?5, 0)`,
          )
          .bind(site.id, target.visitorId, target.visitId, placedAt, localDay(placedAt, site.timeZone)),
      )
    }
    statements.push(
      db
        .prepare(
          `INSERT OR IGNORE INTO orders (site_id, order_id, event_id, visitor_id, visit_id, revenue_micros, currency, placed_at, day, discount_micros, verified, source)
           VALUES (?1, ?2, NULL, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 1, ?10)`,
        )
        .bind(site.id, order.orderId, target.visitorId, target.visitId, toMicros(order.revenue), order.currency, placedAt, localDay(placedAt, site.timeZone), toMicros(order.discount ?? 0), source),
      markVisitPurchasesStatement(db, site.id, target.visitorId, target.visitId, site.trustBrowserPurchases),
    )
    touchedPeople.set(target.personId, target.visitorId)
    result.accepted++
  }

  for (const visitorId of touchedPeople.values()) {
    statements.push(recomputeVisitorStatement(db, site.id, visitorId, site.currency, site.trustBrowserPurchases))
  }
  if (statements.length > 0) await db.batch(statements)
  return result
}

/**
 * Where a new order goes. With a visitor id: that visitor (unless it belongs to another customer,
 * whose history must not mix: then the customer's own history), in the visit it was placed in.
 * Without: the customer's history, one visit per local day.
 */
function chooseTarget(order: ServerOrder, placedAt: number, customerPerson: string | undefined, visitors: Map<string, KnownVisitor>, timeZone: string): Target {
  const day = localDay(placedAt, timeZone)
  const visitor = order.visitorId ? visitors.get(order.visitorId) : undefined
  const visitorPerson = visitor?.personId ?? order.visitorId
  const isSomeoneElse = customerPerson !== undefined && visitorPerson !== undefined && visitorPerson !== order.visitorId && visitorPerson !== customerPerson
  if (order.visitorId && !isSomeoneElse) {
    const visit = visitor?.visits
      .filter((candidate) => candidate.startedAt <= placedAt && placedAt - candidate.startedAt < SAME_VISIT_MS)
      .sort((a, b) => b.startedAt - a.startedAt)[0]
    return { visitorId: order.visitorId, visitId: visit?.visitId ?? `server-${day}`, personId: customerPerson ?? visitorPerson! }
  }
  // A customer's history is kept on a visitor row named after its person id (never a browser id).
  return { visitorId: customerPerson!, visitId: `import-${day}`, personId: customerPerson! }
}

/**
 * The visitor row the order hangs on: created if new (a customer's history row belongs to the
 * customer from the start; a browser's visitor is its own person), and linked to the customer.
 */
function ensureVisitor(
  db: D1Database,
  siteId: string,
  target: Target,
  customerPerson: string | undefined,
  visitors: Map<string, KnownVisitor>,
  placedAt: number,
): D1PreparedStatement[] {
  const isHistoryRow = target.visitorId === customerPerson
  const statements = [
    db
      .prepare('INSERT OR IGNORE INTO visitors (site_id, visitor_id, first_seen_at, last_seen_at, person_id) VALUES (?1, ?2, ?3, ?3, ?4)')
      .bind(siteId, target.visitorId, placedAt, isHistoryRow ? customerPerson : target.visitorId),
  ]
  if (customerPerson && !isHistoryRow) {
    statements.push(linkVisitorStatement(db, siteId, target.visitorId, customerPerson))
    visitors.set(target.visitorId, { personId: customerPerson, visits: visitors.get(target.visitorId)?.visits ?? [] })
  }
  return statements
}
