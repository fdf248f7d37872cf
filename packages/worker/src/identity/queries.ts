/** The person a visitor belongs to (its own id until linked), or null for a visitor never seen. */
export async function findPersonOf(db: D1Database, siteId: string, visitorId: string): Promise<string | null> {
  const row = await db
    .prepare('SELECT person_id FROM visitors WHERE site_id = ?1 AND visitor_id = ?2')
    .bind(siteId, visitorId)
    .first<{ person_id: string }>()
  return row?.person_id ?? null
}

/** Visitor ids linked to a person. */
export async function findVisitorsOfPerson(db: D1Database, siteId: string, personId: string): Promise<string[]> {
  const rows = await db
    .prepare('SELECT visitor_id FROM visitors WHERE site_id = ?1 AND person_id = ?2')
    .bind(siteId, personId)
    .all<{ visitor_id: string }>()
  return rows.results.map((row) => row.visitor_id)
}

/**
 * Links a visitor that is still its own person to a customer's person. A visitor already linked to
 * someone is left alone: one visitor id belongs to one customer only.
 */
export function linkVisitorStatement(db: D1Database, siteId: string, visitorId: string, personId: string): D1PreparedStatement {
  return db
    .prepare('UPDATE visitors SET person_id = ?3 WHERE site_id = ?1 AND visitor_id = ?2 AND person_id = visitor_id')
    .bind(siteId, visitorId, personId)
}

/** A new visitor row for a person (the fresh id a shared computer gets for its second customer). */
export function insertVisitorOfPersonStatement(db: D1Database, siteId: string, visitorId: string, personId: string, now: number): D1PreparedStatement {
  return db
    .prepare('INSERT OR IGNORE INTO visitors (site_id, visitor_id, first_seen_at, last_seen_at, person_id) VALUES (?1, ?2, ?3, ?3, ?4)')
    .bind(siteId, visitorId, now, personId)
}
