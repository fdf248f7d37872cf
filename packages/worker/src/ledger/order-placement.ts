import { localDay } from '../lib/time-zone'
import { jsonList, rows, type Sql } from './sql'
import type { LedgerServerOrder, LedgerSite } from './types'
import { startVisit } from './visits'
import { addVisitor, linkVisitor } from './visitors'

/** A server order placed within this long after a visit began belongs to that visit. */
const SAME_VISIT_MS = 24 * 60 * 60 * 1000

export type Target = { visitorId: string; visitId: string; personId: string }

export type KnownVisitor = { personId: string; visits: { visitId: string; startedAt: number }[] }

/** What one call storing server orders builds up: what it knows and what it touched. */
export type Work = {
  sql: Sql
  site: LedgerSite
  /** The visitors the call is about, as read at its start (links update their person). */
  visitors: Map<string, KnownVisitor>
  /** Visitors whose person must be recounted once everything is written. */
  touched: Set<string>
  startedVisits: Set<string>
}

/**
 * Visitors among these ids, with their person and visits.
 * @example findVisitors(sql, ['V1St']).get('V1St')?.personId
 */
export function findVisitors(sql: Sql, visitorIds: readonly string[]): Map<string, KnownVisitor> {
  const known = new Map<string, KnownVisitor>()
  if (visitorIds.length === 0) return known
  const list = jsonList(visitorIds)
  for (const row of rows<{ visitor_id: string; person_id: string }>(
    sql,
    'SELECT visitor_id, person_id FROM visitors WHERE visitor_id IN (SELECT value FROM json_each(?1))',
    list,
  ))
    known.set(row.visitor_id, { personId: row.person_id, visits: [] })
  for (const row of rows<{ visitor_id: string; visit_id: string; started_at: number }>(
    sql,
    'SELECT visitor_id, visit_id, started_at FROM visits WHERE visitor_id IN (SELECT value FROM json_each(?1))',
    list,
  ))
    known.get(row.visitor_id)?.visits.push({ visitId: row.visit_id, startedAt: row.started_at })
  return known
}

/**
 * Where a server order goes. With a visitor id: that visitor (unless it belongs to another
 * customer, whose history must not mix: then the customer's own history), in the visit it was
 * placed in. Without: the customer's history, one visit per local day.
 * @example chooseTarget(order, 'c:id:cust-42', visitors, site.timeZone) // { visitorId: 'c:id:cust-42', visitId: 'import-2026-01-10', ... }
 */
export function chooseTarget(
  order: LedgerServerOrder,
  visitors: Map<string, KnownVisitor>,
  timeZone: string,
): Target {
  const { placedAt, customerPerson } = order
  const day = localDay(placedAt, timeZone)
  const visitor = order.visitorId ? visitors.get(order.visitorId) : undefined
  const visitorPerson = visitor?.personId ?? order.visitorId
  const isSomeoneElse =
    customerPerson !== null &&
    visitorPerson !== null &&
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
 * (within the browser cap).
 * @example ensureVisitor(work, target, order.customerPerson, order.placedAt)
 */
export function ensureVisitor(
  work: Work,
  target: Target,
  customerPerson: string | null,
  placedAt: number,
): void {
  const isHistoryRow = target.visitorId === customerPerson
  addVisitor(
    work.sql,
    target.visitorId,
    isHistoryRow ? customerPerson! : target.visitorId,
    placedAt,
  )
  if (customerPerson && !isHistoryRow) {
    linkVisitor(work.sql, target.visitorId, customerPerson)
    work.visitors.set(target.visitorId, {
      personId: customerPerson,
      visits: work.visitors.get(target.visitorId)?.visits ?? [],
    })
  }
}

/**
 * The visit a server order goes in, started at its placing time unless it exists (once a call).
 * @example ensureVisit(work, target, order.placedAt)
 */
export function ensureVisit(work: Work, target: Target, placedAt: number): void {
  const visitKey = `${target.visitorId}/${target.visitId}`
  if (work.startedVisits.has(visitKey)) return
  work.startedVisits.add(visitKey)
  const personId = rows<{ person_id: string }>(
    work.sql,
    'SELECT person_id FROM visitors WHERE visitor_id = ?1',
    target.visitorId,
  )[0]!.person_id
  startVisit(work.sql, {
    visitorId: target.visitorId,
    visitId: target.visitId,
    personId,
    startedAt: placedAt,
    day: localDay(placedAt, work.site.timeZone),
    url: null,
    referrer: null,
    isTracked: false,
  })
}
