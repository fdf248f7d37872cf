import type { VisitorState } from '../segments/classify'
import { onePerson, refreshPredictionInputs, toPersonInputs } from './prediction-inputs'
import { COUNTED_ORDER, first, type Sql } from './sql'
import type { LedgerSite, PersonPredictionInputs } from './types'

/**
 * Recomputes a person's counters from the visits and orders of all its visitors and writes them
 * on its one `people` row (created if new; none for a person no visitor belongs to any more). Deriving them from the facts, inside the transaction
 * that wrote the facts, is what keeps retried and concurrent batches from ever counting an order
 * twice, and makes linking idempotent and order-independent. Revenue is summed with `total()`, a
 * double that cannot overflow (the integer `sum()` throws past 2^63 micro-units).
 * @example recountPerson(sql, 'c:id:cust-42', site)
 */
export function recountPerson(
  sql: Sql,
  personId: string,
  site: Pick<LedgerSite, 'currency' | 'trustBrowserPurchases'>,
): void {
  sql.exec(
    `INSERT INTO people (person_id, visits, purchase_visits, verified_purchase_visits, orders, revenue_micros,
       last_purchase_at, verified_orders, verified_revenue_micros, verified_last_purchase_at)
     SELECT ?1, v.visits, v.purchase_visits, v.verified_purchase_visits, o.orders, o.revenue_micros,
       o.last_purchase_at, o.verified_orders, o.verified_revenue_micros, o.verified_last_purchase_at
     FROM (SELECT count(*) AS visits, coalesce(sum(has_purchase), 0) AS purchase_visits,
             coalesce(sum(has_verified_purchase), 0) AS verified_purchase_visits
           FROM visits WHERE person_id = ?1) v,
          (SELECT coalesce(sum(${COUNTED_ORDER}), 0) AS orders,
             total(CASE WHEN ${COUNTED_ORDER} AND currency = ?2 THEN revenue_micros ELSE 0 END) AS revenue_micros,
             max(CASE WHEN ${COUNTED_ORDER} THEN placed_at END) AS last_purchase_at,
             coalesce(sum(verified), 0) AS verified_orders,
             total(CASE WHEN verified = 1 AND currency = ?2 THEN revenue_micros ELSE 0 END) AS verified_revenue_micros,
             max(CASE WHEN verified = 1 THEN placed_at END) AS verified_last_purchase_at
           FROM orders WHERE person_id = ?1) o
     WHERE EXISTS (SELECT 1 FROM visitors WHERE person_id = ?1)
     ON CONFLICT (person_id) DO UPDATE SET visits = excluded.visits, purchase_visits = excluded.purchase_visits,
       verified_purchase_visits = excluded.verified_purchase_visits, orders = excluded.orders,
       revenue_micros = excluded.revenue_micros, last_purchase_at = excluded.last_purchase_at,
       verified_orders = excluded.verified_orders, verified_revenue_micros = excluded.verified_revenue_micros,
       verified_last_purchase_at = excluded.verified_last_purchase_at
     -- Most batches (page views in a known visit) change no counter: then nothing is written.
     WHERE people.visits IS NOT excluded.visits
       OR people.purchase_visits IS NOT excluded.purchase_visits
       OR people.verified_purchase_visits IS NOT excluded.verified_purchase_visits
       OR people.orders IS NOT excluded.orders
       OR people.revenue_micros IS NOT excluded.revenue_micros
       OR people.last_purchase_at IS NOT excluded.last_purchase_at
       OR people.verified_orders IS NOT excluded.verified_orders
       OR people.verified_revenue_micros IS NOT excluded.verified_revenue_micros
       OR people.verified_last_purchase_at IS NOT excluded.verified_last_purchase_at`,
    personId,
    site.currency,
    site.trustBrowserPurchases ? 1 : 0,
  )
  refreshPredictionInputs(sql, site, onePerson(personId))
}

/**
 * Removes a person's row once no visitor belongs to it any more (its last one erased or linked).
 * @example dropPersonIfEmpty(sql, 'V1St')
 */
export function dropPersonIfEmpty(sql: Sql, personId: string): void {
  sql.exec(
    'DELETE FROM people WHERE person_id = ?1 AND NOT EXISTS (SELECT 1 FROM visitors WHERE person_id = ?1)',
    personId,
  )
}

type StateRow = {
  person_id: string | null
  purchase_days: number | null
  first_purchase_day: string | null
  last_purchase_day: string | null
  first_day_revenue_micros: number | null
  median_gap_days: number | null
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

/**
 * The visitor's state as seen from one visit, in one statement: visitor ⋈ person ⋈ the visit. A
 * visitor never seen has all zeroes; a visit never seen has `currentVisitHasPurchase` null.
 * @example toProfile(visitorId, visitorState(sql, visitorId, visitId), now, site.lapseDays)
 */
export function visitorState(sql: Sql, visitorId: string, visitId: string): VisitorState {
  return stateOf(stateRow(sql, visitorId, visitId))
}

/**
 * Decide's read: the visitor's state and its person's stored prediction inputs (null without a
 * purchase), from the same one statement.
 * @example const { state, predictionInputs } = decideState(sql, visitorId, visitId)
 */
export function decideState(
  sql: Sql,
  visitorId: string,
  visitId: string,
): { state: VisitorState; predictionInputs: PersonPredictionInputs | null } {
  const row = stateRow(sql, visitorId, visitId)
  return {
    state: stateOf(row),
    predictionInputs: toPersonInputs(row),
  }
}

function stateRow(sql: Sql, visitorId: string, visitId: string): StateRow {
  return first<StateRow>(
    sql,
    `SELECT v.person_id, p.visits, p.orders, p.purchase_visits, p.revenue_micros, p.last_purchase_at,
       p.verified_purchase_visits, p.verified_orders, p.verified_revenue_micros, p.verified_last_purchase_at,
       p.purchase_days, p.first_purchase_day, p.last_purchase_day, p.first_day_revenue_micros, p.median_gap_days,
       cv.has_purchase AS current_visit_has_purchase, cv.has_verified_purchase AS current_visit_has_verified_purchase
     FROM (SELECT ?1 AS visitor_id) q
     LEFT JOIN visitors v ON v.visitor_id = q.visitor_id
     LEFT JOIN people p ON p.person_id = v.person_id
     LEFT JOIN visits cv ON cv.visitor_id = q.visitor_id AND cv.visit_id = ?2`,
    visitorId,
    visitId,
  )!
}

function stateOf(row: StateRow): VisitorState {
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
