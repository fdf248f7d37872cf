import type { ServerOrder, ServerOrdersResult } from '@stammis/contract'
import type { Env } from '../env'
import { customerPersonId } from '../identity/customer-key'
import { linkVisitorStatement } from '../identity/queries'
import { toMicros } from '../segments/classify'
import { markVisitPurchasesStatement, recomputeVisitorStatement, SEGMENT_AT_START } from '../segments/queries'
import type { Site } from '../sites/site'
import { localDay } from '../time/zone'
import { correctOrderStatement, findOrders, findVisitors, type ExistingOrder, type KnownVisitor } from './queries'

/** A server order placed within this long after a visit began belongs to that visit. */
const SAME_VISIT_MS = 24 * 60 * 60 * 1000

type Target = { visitorId: string; visitId: string; personId: string }

/** What one call builds up: its statements, what it touched, and its answer. */
type Work = {
  db: D1Database
  site: Site
  statements: D1PreparedStatement[]
  visitors: Map<string, KnownVisitor>
  /** Visitors whose person must be recounted once everything is written. */
  touched: Set<string>
  startedVisits: Set<string>
}

/**
 * Stores orders reported by the shop's server (verified), in one D1 transaction, idempotent by
 * order id. The server's word wins over the browser's:
 * - an order the browser reported exactly as the server does (same visitor and customer, revenue
 *   and currency) is confirmed: marked verified (and its visitor linked to the customer, when the
 *   server names both);
 * - an order the browser reported differently is a conflict: the server's version replaces it, the
 *   order moving to the server's person if it named someone else, and both people are recounted;
 * - an order already verified is a duplicate;
 * - a new order with a `visitorId` joins that visitor's visit it was placed in (or a visit of its
 *   own that day), and links the visitor to the customer;
 * - a new order with only a `customerId` is history: it counts as a purchase in a past visit, one
 *   visit per calendar day (site time zone) per customer.
 * Orders are applied oldest first, so each past visit starts in the segment its history gives.
 * @example await importOrders(env, site, [{ orderId: 'A-1', customerId: 'c-1', revenue: 20, currency: 'USD', placedAt: '2026-01-02T10:00:00Z' }], 'import')
 */
export async function importOrders(env: Env, site: Site, orders: ServerOrder[], source: 'server' | 'import', now = Date.now()): Promise<ServerOrdersResult> {
  const db = env.DB
  const sorted = [...orders].sort((a, b) => Date.parse(a.placedAt) - Date.parse(b.placedAt))
  const existing = await findOrders(db, site.id, sorted.map((order) => order.orderId))
  const browserVisitors = [...existing.values()].filter((order) => !order.verified).map((order) => order.visitorId)
  const namedVisitors = sorted.flatMap((order) => (order.visitorId ? [order.visitorId] : []))
  const visitors = await findVisitors(db, site.id, [...new Set([...namedVisitors, ...browserVisitors])])
  const personOfCustomer = new Map<string, string>()
  for (const order of sorted) {
    if (order.customerId && !personOfCustomer.has(order.customerId)) personOfCustomer.set(order.customerId, await customerPersonId(site.codeSecret, order.customerId))
  }

  const work: Work = { db, site, statements: [], visitors, touched: new Set(), startedVisits: new Set() }
  const seenOrders = new Set<string>()
  const result: ServerOrdersResult = { accepted: 0, confirmed: 0, conflicts: 0, duplicates: 0 }

  for (const order of sorted) {
    const known = existing.get(order.orderId)
    if (seenOrders.has(order.orderId) || known?.verified) {
      result.duplicates++
      continue
    }
    seenOrders.add(order.orderId)
    const placedAt = Date.parse(order.placedAt)
    const customerPerson = order.customerId ? personOfCustomer.get(order.customerId)! : undefined
    const target = chooseTarget(order, placedAt, customerPerson, visitors, site.timeZone)
    if (known) {
      const outcome = settleBrowserOrder(work, order, known, target, customerPerson, placedAt, now)
      result[outcome]++
      continue
    }

    work.statements.push(...ensureVisitor(work, target, customerPerson, placedAt), ...startVisit(work, target, placedAt))
    work.statements.push(
      db
        .prepare(
          `INSERT OR IGNORE INTO orders (site_id, order_id, event_id, visitor_id, visit_id, revenue_micros, currency, placed_at, day, discount_micros, verified, source)
           VALUES (?1, ?2, NULL, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 1, ?10)`,
        )
        .bind(site.id, order.orderId, target.visitorId, target.visitId, toMicros(order.revenue), order.currency, placedAt, localDay(placedAt, site.timeZone), toMicros(order.discount ?? 0), source),
      markVisitPurchasesStatement(db, site.id, target.visitorId, target.visitId, site.trustBrowserPurchases),
    )
    work.touched.add(target.visitorId)
    result.accepted++
  }

  // Recounted per visitor rather than per person: a link can be refused at the customer cap, and
  // then the visitor is still its own person.
  for (const visitorId of work.touched) {
    work.statements.push(recomputeVisitorStatement(db, site.id, visitorId, site.currency, site.trustBrowserPurchases))
  }
  if (work.statements.length > 0) await db.batch(work.statements)
  return result
}

/**
 * The server reports an order the browser reported first. The same person (the visitor the server
 * names, or, without one, a visitor already linked to the customer it names): the order stays in
 * the browser's visit, verified, with the server's revenue and currency. Anyone else: the order
 * moves to the server's person, in the visit the server's placing time gives. So a browser can
 * neither block a server order nor claim one (order numbers are guessable), and the real buyer is
 * credited. Any difference counts as a conflict.
 */
function settleBrowserOrder(
  work: Work,
  order: ServerOrder,
  known: ExistingOrder,
  target: Target,
  customerPerson: string | undefined,
  placedAt: number,
  now: number,
): 'confirmed' | 'conflicts' {
  const { db, site } = work
  const browserPerson = work.visitors.get(known.visitorId)?.personId ?? known.visitorId
  const isSamePerson = target.visitorId === known.visitorId || (!order.visitorId && target.personId === browserPerson)
  const revenueMicros = toMicros(order.revenue)
  const isSame = isSamePerson && known.revenueMicros === revenueMicros && known.currency === order.currency
  const discountMicros = order.discount === undefined ? null : toMicros(order.discount)
  const correctedAt = isSame ? null : now

  if (isSamePerson) {
    // The server names this browser and the customer: the shop's word links them.
    if (order.visitorId && customerPerson) work.statements.push(...ensureVisitor(work, target, customerPerson, placedAt))
    work.statements.push(
      correctOrderStatement(db, site.id, order.orderId, { visitorId: known.visitorId, visitId: known.visitId, revenueMicros, currency: order.currency, discountMicros, placedAt: null, day: null }, correctedAt),
      markVisitPurchasesStatement(db, site.id, known.visitorId, known.visitId, site.trustBrowserPurchases),
    )
    work.touched.add(known.visitorId)
    return isSame ? 'confirmed' : 'conflicts'
  }

  const day = localDay(placedAt, site.timeZone)
  work.statements.push(
    ...ensureVisitor(work, target, customerPerson, placedAt),
    ...startVisit(work, target, placedAt),
    correctOrderStatement(db, site.id, order.orderId, { visitorId: target.visitorId, visitId: target.visitId, revenueMicros, currency: order.currency, discountMicros, placedAt, day }, now),
    // The browser's visit may have lost its only purchase; the server's has gained one.
    markVisitPurchasesStatement(db, site.id, known.visitorId, known.visitId, site.trustBrowserPurchases),
    markVisitPurchasesStatement(db, site.id, target.visitorId, target.visitId, site.trustBrowserPurchases),
  )
  work.touched.add(known.visitorId)
  work.touched.add(target.visitorId)
  return 'conflicts'
}

/**
 * Where a server order goes. With a visitor id: that visitor (unless it belongs to another
 * customer, whose history must not mix: then the customer's own history), in the visit it was
 * placed in. Without: the customer's history, one visit per local day.
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
 * customer from the start; a browser's visitor is its own person), and linked to the customer
 * (within `MAX_VISITORS_PER_CUSTOMER`).
 */
function ensureVisitor(work: Work, target: Target, customerPerson: string | undefined, placedAt: number): D1PreparedStatement[] {
  const { db, site, visitors } = work
  const isHistoryRow = target.visitorId === customerPerson
  const statements = [
    db
      .prepare('INSERT OR IGNORE INTO visitors (site_id, visitor_id, first_seen_at, last_seen_at, person_id) VALUES (?1, ?2, ?3, ?3, ?4)')
      .bind(site.id, target.visitorId, placedAt, isHistoryRow ? customerPerson : target.visitorId),
  ]
  if (customerPerson && !isHistoryRow) {
    statements.push(linkVisitorStatement(db, site.id, target.visitorId, customerPerson))
    visitors.set(target.visitorId, { personId: customerPerson, visits: visitors.get(target.visitorId)?.visits ?? [] })
  }
  return statements
}

/** The visit a server order goes in, started at its placing time unless it exists (once a call). */
function startVisit(work: Work, target: Target, placedAt: number): D1PreparedStatement[] {
  const visitKey = `${target.visitorId}/${target.visitId}`
  if (work.startedVisits.has(visitKey)) return []
  work.startedVisits.add(visitKey)
  return [
    work.db
      .prepare(
        `INSERT OR IGNORE INTO visits (site_id, visitor_id, visit_id, started_at, segment, day, tracked)
         VALUES (?1, ?2, ?3, ?4, ${SEGMENT_AT_START}, ?5, 0)`,
      )
      .bind(work.site.id, target.visitorId, target.visitId, placedAt, localDay(placedAt, work.site.timeZone)),
  ]
}
