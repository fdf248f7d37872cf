/** An order already stored, as the server's report is compared with it. */
export type ExistingOrder = {
  orderId: string
  verified: boolean
  visitorId: string
  visitId: string
  revenueMicros: number
  currency: string
}

/**
 * Orders of the site among these ids (one query; ids travel as one JSON parameter).
 * @example (await findOrders(env.DB, site.id, ['A-1'])).get('A-1')?.verified
 */
export async function findOrders(
  db: D1Database,
  siteId: string,
  orderIds: string[],
): Promise<Map<string, ExistingOrder>> {
  const rows = await db
    .prepare(
      `SELECT order_id, verified, visitor_id, visit_id, revenue_micros, currency FROM orders
       WHERE site_id = ?1 AND order_id IN (SELECT value FROM json_each(?2))`,
    )
    .bind(siteId, JSON.stringify(orderIds))
    .all<{
      order_id: string
      verified: number
      visitor_id: string
      visit_id: string
      revenue_micros: number
      currency: string
    }>()
  return new Map(
    rows.results.map((row) => [
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

export type KnownVisitor = { personId: string; visits: { visitId: string; startedAt: number }[] }

/**
 * Visitors among these ids, with their person and visits.
 * @example (await findVisitors(env.DB, site.id, ['V1St'])).get('V1St')?.personId
 */
export async function findVisitors(
  db: D1Database,
  siteId: string,
  visitorIds: string[],
): Promise<Map<string, KnownVisitor>> {
  const known = new Map<string, KnownVisitor>()
  if (visitorIds.length === 0) return known
  const [people, visits] = await db.batch([
    db
      .prepare(
        'SELECT visitor_id, person_id FROM visitors WHERE site_id = ?1 AND visitor_id IN (SELECT value FROM json_each(?2))',
      )
      .bind(siteId, JSON.stringify(visitorIds)),
    db
      .prepare(
        'SELECT visitor_id, visit_id, started_at FROM visits WHERE site_id = ?1 AND visitor_id IN (SELECT value FROM json_each(?2))',
      )
      .bind(siteId, JSON.stringify(visitorIds)),
  ])
  for (const row of people!.results as { visitor_id: string; person_id: string }[])
    known.set(row.visitor_id, { personId: row.person_id, visits: [] })
  for (const row of visits!.results as {
    visitor_id: string
    visit_id: string
    started_at: number
  }[]) {
    known.get(row.visitor_id)?.visits.push({ visitId: row.visit_id, startedAt: row.started_at })
  }
  return known
}

/**
 * The server's version of a browser-reported order replaces the browser's: verified, with the
 * server's revenue and currency (and discount, if it gave one), marked corrected when anything
 * differed. When it belongs to someone else, it moves to that person's visit (placed when the
 * server says).
 * @example correctOrderStatement(env.DB, site.id, '1001', { visitorId: 'buyer', visitId: 'b1', revenueMicros: 120_000_000, currency: 'USD', discountMicros: null, placedAt, day }, Date.now())
 */
export function correctOrderStatement(
  db: D1Database,
  siteId: string,
  orderId: string,
  server: {
    visitorId: string
    visitId: string
    revenueMicros: number
    currency: string
    discountMicros: number | null
    placedAt: number | null
    day: string | null
  },
  correctedAt: number | null,
): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE orders SET verified = 1, visitor_id = ?3, visit_id = ?4, revenue_micros = ?5, currency = ?6,
         discount_micros = coalesce(?7, discount_micros), placed_at = coalesce(?8, placed_at), day = coalesce(?9, day),
         corrected_at = coalesce(corrected_at, ?10)
       WHERE site_id = ?1 AND order_id = ?2`,
    )
    .bind(
      siteId,
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
