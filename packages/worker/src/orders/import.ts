import type { ServerOrder, ServerOrdersResult } from '@stammis/contract'
import type { Env } from '../env'
import { customerPersonId } from '../identity/customer-key'
import { toMicros } from '../lib/money'
import { localDay } from '../lib/time-zone'
import { markVisitPurchasesStatement, recomputeVisitorStatement } from '../segments/queries'
import type { Site } from '../sites/site'
import { chooseTarget, ensureVisitor, startVisit, type Work } from './placement'
import { findOrders, findVisitors } from './queries'
import { settleBrowserOrder } from './settle'
import { bumpProfileEpochStatement } from '../sites/profile-epoch'
import { forgetSite } from '../sites/directory'

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
export async function importOrders(
  env: Env,
  site: Site,
  orders: ServerOrder[],
  source: 'server' | 'import',
  now = Date.now(),
): Promise<ServerOrdersResult> {
  const db = env.DB
  const sorted = [...orders].sort((a, b) => Date.parse(a.placedAt) - Date.parse(b.placedAt))
  const existing = await findOrders(
    db,
    site.id,
    sorted.map((order) => order.orderId),
  )
  const browserVisitors = [...existing.values()]
    .filter((order) => !order.verified)
    .map((order) => order.visitorId)
  const namedVisitors = sorted.flatMap((order) => (order.visitorId ? [order.visitorId] : []))
  const visitors = await findVisitors(db, site.id, [
    ...new Set([...namedVisitors, ...browserVisitors]),
  ])
  const personOfCustomer = new Map<string, string>()
  for (const order of sorted) {
    if (order.customerId && !personOfCustomer.has(order.customerId))
      personOfCustomer.set(
        order.customerId,
        await customerPersonId(site.codeSecret, order.customerId),
      )
  }

  const work: Work = {
    db,
    site,
    statements: [],
    visitors,
    touched: new Set(),
    startedVisits: new Set(),
  }
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

    work.statements.push(
      ...ensureVisitor(work, target, customerPerson, placedAt),
      ...startVisit(work, target, placedAt),
    )
    work.statements.push(
      db
        .prepare(
          `INSERT OR IGNORE INTO orders (site_id, order_id, event_id, visitor_id, visit_id, revenue_micros, currency, placed_at, day, discount_micros, verified, source)
           VALUES (?1, ?2, NULL, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 1, ?10)`,
        )
        .bind(
          site.id,
          order.orderId,
          target.visitorId,
          target.visitId,
          toMicros(order.revenue),
          order.currency,
          placedAt,
          localDay(placedAt, site.timeZone),
          toMicros(order.discount ?? 0),
          source,
        ),
      markVisitPurchasesStatement(
        db,
        site.id,
        target.visitorId,
        target.visitId,
        site.trustBrowserPurchases,
      ),
    )
    work.touched.add(target.visitorId)
    result.accepted++
  }

  // Recounted per visitor rather than per person: a link can be refused at the customer cap, and
  // then the visitor is still its own person.
  for (const visitorId of work.touched) {
    work.statements.push(
      recomputeVisitorStatement(db, site.id, visitorId, site.currency, site.trustBrowserPurchases),
    )
  }
  // A correction can take a purchase away from the browser's person: older profile tokens go.
  if (result.conflicts > 0) work.statements.push(bumpProfileEpochStatement(db, site.id))
  if (work.statements.length > 0) await db.batch(work.statements)
  if (result.conflicts > 0) forgetSite(site.id)
  return result
}
