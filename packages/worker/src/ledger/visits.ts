import { classify } from '../segments/classify'
import { COUNTED_ORDER, first, type Sql } from './sql'

export type NewVisit = {
  visitorId: string
  visitId: string
  personId: string
  startedAt: number
  day: string
  url: string | null
  referrer: string | null
  /** False for the synthetic visits that hold server or imported orders. */
  isTracked: boolean
}

/**
 * Starts a visit unless it exists, in the segment its person's earlier purchase visits give
 * (those that started before it). Returns whether it was new.
 * @example startVisit(sql, { visitorId, visitId, personId, startedAt: now, day, url, referrer, isTracked: true })
 */
export function startVisit(sql: Sql, visit: NewVisit): boolean {
  const exists = first(
    sql,
    'SELECT 1 AS found FROM visits WHERE visitor_id = ?1 AND visit_id = ?2',
    visit.visitorId,
    visit.visitId,
  )
  if (exists) return false
  const earlier = sql
    .exec<{ n: number }>(
      'SELECT count(*) AS n FROM visits WHERE person_id = ?1 AND started_at < ?2 AND has_purchase = 1',
      visit.personId,
      visit.startedAt,
    )
    .one().n
  sql.exec(
    `INSERT INTO visits (visitor_id, visit_id, person_id, started_at, segment, day, tracked, url, referrer)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)`,
    visit.visitorId,
    visit.visitId,
    visit.personId,
    visit.startedAt,
    classify(earlier),
    visit.day,
    visit.isTracked ? 1 : 0,
    visit.url,
    visit.referrer,
  )
  return true
}

/**
 * Marks whether a visit has a counted purchase and a verified one, from its orders (triggers move
 * the visit in or out of the day's converted visits).
 * @example markVisitPurchases(sql, 'V1St', 'visit-1', site.trustBrowserPurchases)
 */
export function markVisitPurchases(
  sql: Sql,
  visitorId: string,
  visitId: string,
  trustBrowserPurchases: boolean,
): void {
  sql.exec(
    `UPDATE visits SET
       has_purchase = EXISTS (SELECT 1 FROM orders WHERE visitor_id = ?1 AND visit_id = ?2 AND ${COUNTED_ORDER}),
       has_verified_purchase = EXISTS (SELECT 1 FROM orders WHERE visitor_id = ?1 AND visit_id = ?2 AND verified = 1)
     WHERE visitor_id = ?1 AND visit_id = ?2`,
    visitorId,
    visitId,
    trustBrowserPurchases ? 1 : 0,
  )
}
