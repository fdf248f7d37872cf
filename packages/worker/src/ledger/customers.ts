import type { Sql } from './sql'

/**
 * The per-person customer rollups, kept on the orders themselves so that metrics read windows of
 * time and never walk every customer (metrics.ts, customer-metrics.ts). Over a person's orders
 * (any status, any currency), ordered by (placed_at, order_id):
 * - `previous_order_at`: the person's previous order. The people with a purchase in a window are
 *   the window's orders whose previous order lies before it: one count, no DISTINCT.
 * - `purchase_visit` on the order that opens a purchase visit (its visit's first order): that
 *   visit's rank among the person's purchase visits. Rank 1 makes a customer, rank 2 a repeater.
 * - `purchase_gap` on the same order: milliseconds since the person's previous purchase visit began.
 * - `cohort_month` on the person's first order of each month: the month of the person's first
 *   order, so cohorts are counted from these rows alone.
 * Triggers on `orders` (schema.ts) turn every change of these columns into the day, gap and
 * cohort rollups, so recomputing one person's orders keeps the rollups exact.
 */

/**
 * The statement that rewrites the derived columns of the orders in `scope` (SQL on orders), whose
 * rows are one person's (`isEveryPerson` false) or every person's (windows split by person).
 */
function derivedColumnsSql(scope: string, isEveryPerson: boolean): string {
  const byPerson = isEveryPerson ? 'PARTITION BY person_id ' : ''
  const perPerson = isEveryPerson ? 'person_id, ' : ''
  return `WITH ranked AS (
      SELECT order_id, placed_at, person_id,
        lag(placed_at) OVER by_person AS previous_order_at,
        row_number() OVER (PARTITION BY visitor_id, visit_id ORDER BY placed_at, order_id) AS in_visit,
        row_number() OVER (PARTITION BY ${perPerson}substr(day, 1, 7) ORDER BY placed_at, order_id) AS in_month,
        first_value(substr(day, 1, 7)) OVER by_person AS first_month
      FROM orders WHERE ${scope}
      WINDOW by_person AS (${byPerson}ORDER BY placed_at, order_id)),
    opening AS (
      SELECT order_id, row_number() OVER by_person AS purchase_visit,
        placed_at - lag(placed_at) OVER by_person AS purchase_gap
      FROM ranked WHERE in_visit = 1
      WINDOW by_person AS (${byPerson}ORDER BY placed_at, order_id)),
    derived AS (
      SELECT ranked.order_id, ranked.previous_order_at, opening.purchase_visit, opening.purchase_gap,
        CASE WHEN ranked.in_month = 1 THEN ranked.first_month END AS cohort_month
      FROM ranked LEFT JOIN opening ON opening.order_id = ranked.order_id)
    UPDATE orders SET previous_order_at = d.previous_order_at, purchase_visit = d.purchase_visit,
      purchase_gap = d.purchase_gap, cohort_month = d.cohort_month
    FROM derived d
    WHERE orders.order_id = d.order_id AND (orders.previous_order_at IS NOT d.previous_order_at
      OR orders.purchase_visit IS NOT d.purchase_visit OR orders.purchase_gap IS NOT d.purchase_gap
      OR orders.cohort_month IS NOT d.cohort_month)`
}

/**
 * SQL: `person_id` in the range (after, upTo], or (after, end) for the tail; `?1` and `?2` are
 * the bounds (both always bound, so every range runs one statement shape per table).
 */
export function personRange(range: { upTo: string | null }): string {
  return range.upTo === null
    ? 'person_id > ?1 AND ?2 IS NULL'
    : 'person_id > ?1 AND person_id <= ?2'
}

const ONE_PERSON = derivedColumnsSql('person_id = ?1', false)

/**
 * Recomputes the customer rollups of one person's orders: after any order of theirs was added,
 * moved, changed or erased, or a visitor joined them. Only changed rows are written.
 * @example refreshCustomer(sql, 'c:id:cust-42')
 */
export function refreshCustomer(sql: Sql, personId: string): void {
  sql.exec(ONE_PERSON, personId)
}

/**
 * The same for every person of a range of person ids (`personRange`: `?1` and
 * `?2` the bounds): a rebuild's step, one pass over those people's orders.
 * @example refreshCustomers(sql, { after: '', upTo: 'v0999' })
 */
export function refreshCustomers(sql: Sql, range: { after: string; upTo: string | null }): void {
  sql.exec(derivedColumnsSql(personRange(range), true), range.after, range.upTo)
}
