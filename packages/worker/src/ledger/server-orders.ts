import { localDay } from '../lib/time-zone'
import { refreshCustomer } from './customers'
import { countersOf, purchaseTransitions } from './moments'
import {
  chooseTarget,
  ensureVisit,
  ensureVisitor,
  findVisitors,
  type Target,
  type Work,
} from './order-placement'
import { addOrder, correctOrder, findOrders, type ExistingOrder } from './orders'
import { dropPersonIfEmpty, recountPerson } from './people'
import type { Sql } from './sql'
import type {
  LedgerServerOrder,
  LedgerServerOrdersResult,
  LedgerSite,
  ServerOrdersResult,
} from './types'
import { markVisitPurchases } from './visits'
import { personOf } from './visitors'

/**
 * Stores orders reported by the shop's server (verified), in the caller's transaction, idempotent
 * by order id. The server's word wins over the browser's:
 * - an order the browser reported exactly as the server does (same visitor and customer, revenue
 *   and currency) is confirmed: marked verified (and its visitor linked to the customer, when the
 *   server names both);
 * - an order the browser reported differently is a conflict: the server's version replaces it, the
 *   order moving to the server's person if it named someone else, and both people are recounted;
 * - an order already verified is a duplicate;
 * - a new order with a visitor id joins that visitor's visit it was placed in (or a visit of its
 *   own that day), and links the visitor to the customer;
 * - a new order with only a customer is history: a purchase in a past visit, one visit per
 *   calendar day (site time zone) per customer.
 * Orders are applied oldest first, so each past visit starts in the segment its history gives.
 * @example storeServerOrders(sql, site, orders, 'import', Date.now())
 */
export function storeServerOrders(
  sql: Sql,
  site: LedgerSite,
  orders: readonly LedgerServerOrder[],
  source: 'server' | 'import',
  now: number,
): LedgerServerOrdersResult {
  const sorted = [...orders].sort((a, b) => a.placedAt - b.placedAt)
  const existing = findOrders(
    sql,
    sorted.map((order) => order.orderId),
  )
  const browserVisitors = [...existing.values()]
    .filter((order) => !order.verified)
    .map((order) => order.visitorId)
  const namedVisitors = sorted.flatMap((order) => (order.visitorId ? [order.visitorId] : []))
  const work: Work = {
    sql,
    site,
    visitors: findVisitors(sql, [...new Set([...namedVisitors, ...browserVisitors])]),
    touched: new Set(),
    startedVisits: new Set(),
  }
  // Counters before any order is applied, of every customer an order may credit: the customer it
  // names, or the person of the visitor it names (or that reported it first).
  const before = countersOf(sql, [
    ...sorted.flatMap((order) => (order.customerPerson ? [order.customerPerson] : [])),
    ...[...work.visitors.values()].map((visitor) => visitor.personId),
  ])
  // People that lose an order (it moves to someone else) are recounted too.
  const losingPeople = new Set<string>()
  const seenOrders = new Set<string>()
  const result: ServerOrdersResult = { accepted: 0, confirmed: 0, conflicts: 0, duplicates: 0 }

  for (const order of sorted) {
    const known = existing.get(order.orderId)
    if (seenOrders.has(order.orderId) || known?.verified) {
      result.duplicates++
      continue
    }
    seenOrders.add(order.orderId)
    const target = chooseTarget(order, work.visitors, site.timeZone)
    if (known) {
      const losing = personOf(sql, known.visitorId)
      if (losing) losingPeople.add(losing)
      result[settleBrowserOrder(work, order, known, target, now)]++
      continue
    }
    ensureVisitor(work, target, order.customerPerson, order.placedAt)
    ensureVisit(work, target, order.placedAt)
    addOrder(sql, {
      orderId: order.orderId,
      eventId: null,
      visitorId: target.visitorId,
      visitId: target.visitId,
      revenueMicros: order.revenueMicros,
      discountMicros: order.discountMicros ?? 0,
      currency: order.currency,
      placedAt: order.placedAt,
      day: localDay(order.placedAt, site.timeZone),
      verified: true,
      source,
    })
    markVisitPurchases(sql, target.visitorId, target.visitId, site.trustBrowserPurchases)
    work.touched.add(target.visitorId)
    result.accepted++
  }

  // Recounted by each touched visitor's person as it is now: a link can be refused at the
  // customer cap, and then the visitor is still its own person.
  const people = new Set(losingPeople)
  for (const visitorId of work.touched) {
    const personId = personOf(sql, visitorId)
    if (personId) people.add(personId)
  }
  for (const personId of people) {
    dropPersonIfEmpty(sql, personId)
    recountPerson(sql, personId, site)
    refreshCustomer(sql, personId)
  }
  const credited = new Map([...before].filter(([personId]) => people.has(personId)))
  return { ...result, transitions: purchaseTransitions(sql, site, credited) }
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
  order: LedgerServerOrder,
  known: ExistingOrder,
  target: Target,
  now: number,
): 'confirmed' | 'conflicts' {
  const { sql, site } = work
  const customerPerson = order.customerPerson
  const browserPerson = work.visitors.get(known.visitorId)?.personId ?? known.visitorId
  const isSamePerson =
    target.visitorId === known.visitorId || (!order.visitorId && target.personId === browserPerson)
  const isSame =
    isSamePerson && known.revenueMicros === order.revenueMicros && known.currency === order.currency
  const server = {
    revenueMicros: order.revenueMicros,
    currency: order.currency,
    discountMicros: order.discountMicros,
  }

  if (isSamePerson) {
    // The server names this browser and the customer: the shop's word links them.
    if (order.visitorId && customerPerson)
      ensureVisitor(work, target, customerPerson, order.placedAt)
    correctOrder(
      sql,
      order.orderId,
      { ...server, visitorId: known.visitorId, visitId: known.visitId, placedAt: null, day: null },
      isSame ? null : now,
    )
    markVisitPurchases(sql, known.visitorId, known.visitId, site.trustBrowserPurchases)
    work.touched.add(known.visitorId)
    return isSame ? 'confirmed' : 'conflicts'
  }

  ensureVisitor(work, target, customerPerson, order.placedAt)
  ensureVisit(work, target, order.placedAt)
  correctOrder(
    sql,
    order.orderId,
    {
      ...server,
      visitorId: target.visitorId,
      visitId: target.visitId,
      placedAt: order.placedAt,
      day: localDay(order.placedAt, site.timeZone),
    },
    now,
  )
  // The browser's visit may have lost its only purchase; the server's has gained one.
  markVisitPurchases(sql, known.visitorId, known.visitId, site.trustBrowserPurchases)
  markVisitPurchases(sql, target.visitorId, target.visitId, site.trustBrowserPurchases)
  work.touched.add(known.visitorId)
  work.touched.add(target.visitorId)
  return 'conflicts'
}
