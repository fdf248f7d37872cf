import type { ServerOrder } from '@stammis/contract'
import { linkVisitorStatement } from '../identity/queries'
import { DAY_MS } from '../lib/days'
import { localDay } from '../lib/time-zone'
import { SEGMENT_AT_START } from '../segments/queries'
import type { Site } from '../sites/site'
import type { KnownVisitor } from './queries'

/** A server order placed within this long after a visit began belongs to that visit. */
const SAME_VISIT_MS = DAY_MS

export type Target = { visitorId: string; visitId: string; personId: string }

/** What one `importOrders` call builds up: its one transaction's statements, and what they touch. */
export type Work = {
  db: D1Database
  site: Site
  statements: D1PreparedStatement[]
  visitors: Map<string, KnownVisitor>
  /** Visitors whose person must be recounted once everything is written. */
  touched: Set<string>
  startedVisits: Set<string>
}

/**
 * Where a server order goes. With a visitor id: that visitor (unless it belongs to another
 * customer, whose history must not mix: then the customer's own history), in the visit it was
 * placed in. Without: the customer's history, one visit per local day.
 * @example chooseTarget(order, Date.parse(order.placedAt), 'c:id:cust-42', visitors, site.timeZone) // { visitorId: 'c:id:cust-42', visitId: 'import-2026-01-10', ... }
 */
export function chooseTarget(
  order: ServerOrder,
  placedAt: number,
  customerPerson: string | undefined,
  visitors: Map<string, KnownVisitor>,
  timeZone: string,
): Target {
  const day = localDay(placedAt, timeZone)
  const visitor = order.visitorId ? visitors.get(order.visitorId) : undefined
  const visitorPerson = visitor?.personId ?? order.visitorId
  const isSomeoneElse =
    customerPerson !== undefined &&
    visitorPerson !== undefined &&
    visitorPerson !== order.visitorId &&
    visitorPerson !== customerPerson
  if (order.visitorId && !isSomeoneElse) {
    const visit = visitor?.visits
      .filter(
        (candidate) =>
          candidate.startedAt <= placedAt && placedAt - candidate.startedAt < SAME_VISIT_MS,
      )
      .sort((a, b) => b.startedAt - a.startedAt)[0]
    return {
      visitorId: order.visitorId,
      visitId: visit?.visitId ?? `server-${day}`,
      personId: customerPerson ?? visitorPerson!,
    }
  }
  // A customer's history is kept on a visitor row named after its person id (never a browser id).
  return { visitorId: customerPerson!, visitId: `import-${day}`, personId: customerPerson! }
}

/**
 * The visitor row the order hangs on: created if new (a customer's history row belongs to the
 * customer from the start; a browser's visitor is its own person), and linked to the customer
 * (within `MAX_VISITORS_PER_CUSTOMER`).
 * @example work.statements.push(...ensureVisitor(work, target, customerPerson, placedAt))
 */
export function ensureVisitor(
  work: Work,
  target: Target,
  customerPerson: string | undefined,
  placedAt: number,
): D1PreparedStatement[] {
  const { db, site, visitors } = work
  const isHistoryRow = target.visitorId === customerPerson
  const statements = [
    db
      .prepare(
        'INSERT OR IGNORE INTO visitors (site_id, visitor_id, first_seen_at, last_seen_at, person_id) VALUES (?1, ?2, ?3, ?3, ?4)',
      )
      .bind(site.id, target.visitorId, placedAt, isHistoryRow ? customerPerson : target.visitorId),
  ]
  if (customerPerson && !isHistoryRow) {
    statements.push(linkVisitorStatement(db, site.id, target.visitorId, customerPerson))
    visitors.set(target.visitorId, {
      personId: customerPerson,
      visits: visitors.get(target.visitorId)?.visits ?? [],
    })
  }
  return statements
}

/**
 * The visit a server order goes in, started at its placing time unless it exists (once a call).
 * @example work.statements.push(...startVisit(work, target, placedAt))
 */
export function startVisit(work: Work, target: Target, placedAt: number): D1PreparedStatement[] {
  const visitKey = `${target.visitorId}/${target.visitId}`
  if (work.startedVisits.has(visitKey)) return []
  work.startedVisits.add(visitKey)
  return [
    work.db
      .prepare(
        `INSERT OR IGNORE INTO visits (site_id, visitor_id, visit_id, started_at, segment, day, tracked)
         VALUES (?1, ?2, ?3, ?4, ${SEGMENT_AT_START}, ?5, 0)`,
      )
      .bind(
        work.site.id,
        target.visitorId,
        target.visitId,
        placedAt,
        localDay(placedAt, work.site.timeZone),
      ),
  ]
}
