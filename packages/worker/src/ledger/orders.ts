import { first, jsonList, rows, run, type Sql } from './sql'

/** An order already stored, as a server's report is compared with it. */
export type ExistingOrder = {
  orderId: string
  verified: boolean
  visitorId: string
  visitId: string
  revenueMicros: number
  currency: string
}

export type NewOrder = {
  orderId: string
  eventId: string | null
  visitorId: string
  visitId: string
  revenueMicros: number
  discountMicros: number
  currency: string
  placedAt: number
  day: string
  verified: boolean
  source: 'browser' | 'server' | 'import'
}

/**
 * Stores an order unless its id is known; it joins its visitor's person. A browser's order is
 * stored only if its event id is new too, so re-sending the very same purchase event after the
 * order exists stays a no-op. Returns whether it was stored.
 * @example addOrder(sql, { orderId: 'A-1', eventId: 'e-3', visitorId, visitId, ... })
 */
export function addOrder(sql: Sql, order: NewOrder): boolean {
  return (
    run(
      sql,
      `INSERT OR IGNORE INTO orders (order_id, event_id, visitor_id, visit_id, person_id, revenue_micros, discount_micros,
         currency, placed_at, day, verified, source)
       SELECT ?1, ?2, ?3, ?4, (SELECT person_id FROM visitors WHERE visitor_id = ?3), ?5, ?6, ?7, ?8, ?9, ?10, ?11
       WHERE ?2 IS NULL OR NOT EXISTS (SELECT 1 FROM events WHERE event_id = ?2)`,
      order.orderId,
      order.eventId,
      order.visitorId,
      order.visitId,
      order.revenueMicros,
      order.discountMicros,
      order.currency,
      order.placedAt,
      order.day,
      order.verified ? 1 : 0,
      order.source,
    ) === 1
  )
}

/**
 * Orders among these ids.
 * @example findOrders(sql, ['A-1']).get('A-1')?.verified
 */
export function findOrders(sql: Sql, orderIds: readonly string[]): Map<string, ExistingOrder> {
  const found = rows<{
    order_id: string
    verified: number
    visitor_id: string
    visit_id: string
    revenue_micros: number
    currency: string
  }>(
    sql,
    `SELECT order_id, verified, visitor_id, visit_id, revenue_micros, currency FROM orders
     WHERE order_id IN (SELECT value FROM json_each(?1))`,
    jsonList(orderIds),
  )
  return new Map(
    found.map((row) => [
      row.order_id,
      {
        orderId: row.order_id,
        verified: row.verified === 1,
        visitorId: row.visitor_id,
        visitId: row.visit_id,
        revenueMicros: row.revenue_micros,
        currency: row.currency,
      },
    ]),
  )
}

/** The server's version of an order, as `correctOrder` writes it. */
export type ServerVersion = {
  visitorId: string
  visitId: string
  revenueMicros: number
  currency: string
  /** null: keep the stored discount. */
  discountMicros: number | null
  /** null: keep the stored time and day (the order stays in its visit). */
  placedAt: number | null
  day: string | null
}

/**
 * The server's version of a browser-reported order replaces the browser's: verified, with the
 * server's revenue and currency (and discount, if given), marked corrected when anything differed
 * (`correctedAt` not null). When it belongs to someone else it moves to that visitor's visit and
 * person (placed when the server says); the rollup triggers move it between days and segments.
 * @example correctOrder(sql, '1001', { visitorId: 'buyer', visitId: 'b1', ... }, Date.now())
 */
export function correctOrder(
  sql: Sql,
  orderId: string,
  server: ServerVersion,
  correctedAt: number | null,
): void {
  sql.exec(
    `UPDATE orders SET verified = 1, visitor_id = ?2, visit_id = ?3,
       person_id = (SELECT person_id FROM visitors WHERE visitor_id = ?2),
       revenue_micros = ?4, currency = ?5, discount_micros = coalesce(?6, discount_micros),
       placed_at = coalesce(?7, placed_at), day = coalesce(?8, day), corrected_at = coalesce(corrected_at, ?9)
     WHERE order_id = ?1`,
    orderId,
    server.visitorId,
    server.visitId,
    server.revenueMicros,
    server.currency,
    server.discountMicros,
    server.placedAt,
    server.day,
    correctedAt,
  )
}

/** The person an order belongs to now (null: no such order). */
export function personOfOrder(sql: Sql, orderId: string): string | null {
  return (
    first<{ person_id: string }>(sql, 'SELECT person_id FROM orders WHERE order_id = ?1', orderId)
      ?.person_id ?? null
  )
}
