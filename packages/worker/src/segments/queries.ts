import { visitorsOfPersonSql } from '../identity/queries'
import { classify, type VisitorState } from './classify'
import { TOP_THRESHOLD } from './thresholds'

/** Columns that `toVisitorState` reads; `v` is visitors, `cv` the request's visit (LEFT JOINed). */
export const VISITOR_STATE_COLUMNS =
  'v.person_id, v.visits, v.orders, v.purchase_visits, v.revenue_micros, v.last_purchase_at, ' +
  'v.verified_purchase_visits, v.verified_orders, v.verified_revenue_micros, v.verified_last_purchase_at, ' +
  'cv.has_purchase AS current_visit_has_purchase, cv.has_verified_purchase AS current_visit_has_verified_purchase'

export type VisitorStateRow = {
  person_id: string | null
  visits: number | null
  orders: number | null
  purchase_visits: number | null
  revenue_micros: number | null
  last_purchase_at: number | null
  verified_purchase_visits: number | null
  verified_orders: number | null
  verified_revenue_micros: number | null
  verified_last_purchase_at: number | null
  current_visit_has_purchase: number | null
  current_visit_has_verified_purchase: number | null
}

/** Maps a row selected with `VISITOR_STATE_COLUMNS`; a visitor never seen maps to all zeroes. */
export function toVisitorState(row: VisitorStateRow): VisitorState {
  return {
    personId: row.person_id,
    visits: row.visits ?? 0,
    orders: row.orders ?? 0,
    purchaseVisits: row.purchase_visits ?? 0,
    revenueMicros: row.revenue_micros ?? 0,
    lastPurchaseAt: row.last_purchase_at,
    verifiedPurchaseVisits: row.verified_purchase_visits ?? 0,
    verifiedOrders: row.verified_orders ?? 0,
    verifiedRevenueMicros: row.verified_revenue_micros ?? 0,
    verifiedLastPurchaseAt: row.verified_last_purchase_at,
    currentVisitHasPurchase:
      row.current_visit_has_purchase === null ? null : row.current_visit_has_purchase === 1,
    currentVisitHasVerifiedPurchase: row.current_visit_has_verified_purchase === 1,
  }
}

/** The visitor ids of the person `?2` belongs to (SQL, with `?1` the site). */
export const PERSON_MEMBERS = visitorsOfPersonSql(
  '?1',
  '(SELECT person_id FROM visitors WHERE site_id = ?1 AND visitor_id = ?2)',
)

/**
 * SQL: the segment of the count of earlier purchase visits that `countSql` evaluates (once), as
 * `classify` gives it: one branch per count below the top threshold, generated from the thresholds
 * (segments/thresholds.ts), so SQL and TypeScript cannot disagree.
 * @example segmentCaseSql('(SELECT 1)') // "CASE (SELECT 1) WHEN 0 THEN 'shopper' WHEN 1 THEN 'returning' ELSE 'repeat' END"
 */
export function segmentCaseSql(countSql: string): string {
  const branches = Array.from(
    { length: TOP_THRESHOLD },
    (_, count) => `WHEN ${count} THEN '${classify(count)}'`,
  )
  return `CASE ${countSql} ${branches.join(' ')} ELSE '${classify(TOP_THRESHOLD)}' END`
}

/**
 * The segment of a visit starting at `?4`, for visitor `?2`: from the purchase visits of the
 * visitor's person that started before it (SQL).
 */
export const SEGMENT_AT_START = segmentCaseSql(
  `(SELECT count(*) FROM visits WHERE site_id = ?1 AND has_purchase = 1 AND started_at < ?4
    AND visitor_id IN (${PERSON_MEMBERS}))`,
)

/**
 * Without table statistics SQLite may answer `max(placed_at)` or a filter on `verified` by walking
 * the whole site's orders through another index; a person's orders are few, so look them up by
 * visitor. (Measured: a 69,659-order import went from timing out to 36 s.)
 */
const BY_VISITOR = 'INDEXED BY orders_by_visitor_time'

/**
 * Whether an order counts for classification: verified by the shop's server, or reported by the
 * browser on a site that trusts browser purchases (`?4`).
 */
export const COUNTED_ORDER = '(verified = 1 OR ?4 = 1)'

/**
 * Recomputes the counters of the person a visitor belongs to, from the visits and orders of all
 * the person's visitors, and writes them on every one of those visitor rows (so decide reads one
 * row, whichever device asks). Deriving them from the facts, inside the same transaction that wrote
 * the facts, is what keeps concurrent and retried batches from ever counting an order twice, and
 * makes merging visitors idempotent and order-independent. One pass over the person's visits and
 * one over their orders give both the counted and the server-verified counters. Revenue is summed
 * with `total()`, a double that cannot overflow (SQLite's integer `sum()` throws past 2^63
 * micro-units, which enough orders at the 1e9 limit reach), and exact below 2^53 micro-units.
 * @example recomputeVisitorStatement(env.DB, site.id, visitorId, site.currency, site.trustBrowserPurchases)
 */
export function recomputeVisitorStatement(
  db: D1Database,
  siteId: string,
  visitorId: string,
  currency: string,
  trustBrowserPurchases = true,
): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE visitors SET
         (visits, purchase_visits, verified_purchase_visits) = (
           SELECT count(*), coalesce(sum(has_purchase), 0), coalesce(sum(has_verified_purchase), 0)
           FROM visits WHERE site_id = ?1 AND visitor_id IN (${PERSON_MEMBERS})),
         (orders, revenue_micros, last_purchase_at, verified_orders, verified_revenue_micros, verified_last_purchase_at) = (
           SELECT coalesce(sum(${COUNTED_ORDER}), 0),
             total(CASE WHEN ${COUNTED_ORDER} AND currency = ?3 THEN revenue_micros ELSE 0 END),
             max(CASE WHEN ${COUNTED_ORDER} THEN placed_at END),
             coalesce(sum(verified), 0),
             total(CASE WHEN verified = 1 AND currency = ?3 THEN revenue_micros ELSE 0 END),
             max(CASE WHEN verified = 1 THEN placed_at END)
           FROM orders ${BY_VISITOR} WHERE site_id = ?1 AND visitor_id IN (${PERSON_MEMBERS}))
       WHERE site_id = ?1 AND person_id = (SELECT person_id FROM visitors WHERE site_id = ?1 AND visitor_id = ?2)`,
    )
    .bind(siteId, visitorId, currency, trustBrowserPurchases ? 1 : 0)
}

/**
 * Marks whether a visit has a counted purchase and a verified one, from its orders.
 */
export function markVisitPurchasesStatement(
  db: D1Database,
  siteId: string,
  visitorId: string,
  visitId: string,
  trustBrowserPurchases: boolean,
): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE visits SET
         has_purchase = EXISTS (SELECT 1 FROM orders INDEXED BY orders_by_visitor WHERE site_id = ?1 AND visitor_id = ?2 AND visit_id = ?3 AND ${COUNTED_ORDER}),
         has_verified_purchase = EXISTS (SELECT 1 FROM orders INDEXED BY orders_by_visitor WHERE site_id = ?1 AND visitor_id = ?2 AND visit_id = ?3 AND verified = 1)
       WHERE site_id = ?1 AND visitor_id = ?2 AND visit_id = ?3`,
    )
    .bind(siteId, visitorId, visitId, trustBrowserPurchases ? 1 : 0)
}

/** Selects the visitor's state as seen from one visit. */
export function selectVisitorStateStatement(
  db: D1Database,
  siteId: string,
  visitorId: string,
  visitId: string,
): D1PreparedStatement {
  return db
    .prepare(
      `SELECT ${VISITOR_STATE_COLUMNS}
       FROM visitors v
       LEFT JOIN visits cv ON cv.site_id = v.site_id AND cv.visitor_id = v.visitor_id AND cv.visit_id = ?3
       WHERE v.site_id = ?1 AND v.visitor_id = ?2`,
    )
    .bind(siteId, visitorId, visitId)
}
