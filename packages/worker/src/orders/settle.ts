import type { ServerOrder } from '@stammis/contract'
import { toMicros } from '../lib/money'
import { localDay } from '../lib/time-zone'
import { markVisitPurchasesStatement } from '../segments/queries'
import { ensureVisitor, startVisit, type Target, type Work } from './placement'
import { correctOrderStatement, type ExistingOrder } from './queries'

/**
 * The server reports an order the browser reported first. The same person (the visitor the server
 * names, or, without one, a visitor already linked to the customer it names): the order stays in
 * the browser's visit, verified, with the server's revenue and currency. Anyone else: the order
 * moves to the server's person, in the visit the server's placing time gives. So a browser can
 * neither block a server order nor claim one (order numbers are guessable), and the real buyer is
 * credited. Any difference counts as a conflict.
 * @example result[settleBrowserOrder(work, order, known, target, customerPerson, placedAt, Date.now())]++
 */
export function settleBrowserOrder(
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
  const isSamePerson =
    target.visitorId === known.visitorId || (!order.visitorId && target.personId === browserPerson)
  const revenueMicros = toMicros(order.revenue)
  const isSame =
    isSamePerson && known.revenueMicros === revenueMicros && known.currency === order.currency
  const discountMicros = order.discount === undefined ? null : toMicros(order.discount)
  const correctedAt = isSame ? null : now

  if (isSamePerson) {
    // The server names this browser and the customer: the shop's word links them.
    if (order.visitorId && customerPerson)
      work.statements.push(...ensureVisitor(work, target, customerPerson, placedAt))
    work.statements.push(
      correctOrderStatement(
        db,
        site.id,
        order.orderId,
        {
          visitorId: known.visitorId,
          visitId: known.visitId,
          revenueMicros,
          currency: order.currency,
          discountMicros,
          placedAt: null,
          day: null,
        },
        correctedAt,
      ),
      markVisitPurchasesStatement(
        db,
        site.id,
        known.visitorId,
        known.visitId,
        site.trustBrowserPurchases,
      ),
    )
    work.touched.add(known.visitorId)
    return isSame ? 'confirmed' : 'conflicts'
  }

  const day = localDay(placedAt, site.timeZone)
  work.statements.push(
    ...ensureVisitor(work, target, customerPerson, placedAt),
    ...startVisit(work, target, placedAt),
    correctOrderStatement(
      db,
      site.id,
      order.orderId,
      {
        visitorId: target.visitorId,
        visitId: target.visitId,
        revenueMicros,
        currency: order.currency,
        discountMicros,
        placedAt,
        day,
      },
      now,
    ),
    // The browser's visit may have lost its only purchase; the server's has gained one.
    markVisitPurchasesStatement(
      db,
      site.id,
      known.visitorId,
      known.visitId,
      site.trustBrowserPurchases,
    ),
    markVisitPurchasesStatement(
      db,
      site.id,
      target.visitorId,
      target.visitId,
      site.trustBrowserPurchases,
    ),
  )
  work.touched.add(known.visitorId)
  work.touched.add(target.visitorId)
  return 'conflicts'
}
