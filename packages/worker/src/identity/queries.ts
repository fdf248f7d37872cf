/**
 * The most browsers (visitor ids) one customer may be linked to. Every visitor row of a person
 * carries the person's counters, so each event of any of them rewrites all of them: the cap bounds
 * that work. At the cap a new link is refused (the browser stays its own person and everything it
 * sends is still recorded). A customer's history row (`c:<key>`, where orders the shop's server
 * reports without a visitor id hang) is not a browser and does not count.
 */
export const MAX_VISITORS_PER_CUSTOMER = 50

/** SQL: whether person `?3` (of site `?1`) has room for one more browser. */
const HAS_ROOM = `(SELECT count(*) FROM visitors WHERE site_id = ?1 AND person_id = ?3 AND visitor_id <> ?3) < ${MAX_VISITORS_PER_CUSTOMER}`

/**
 * SQL: the visitor ids of a person, with `site` and `person` as SQL expressions (parameters or a
 * subquery). The one statement of who a person's browsers are, for every query that needs them.
 * @example visitorsOfPersonSql('?1', '?2') // 'SELECT visitor_id FROM visitors WHERE site_id = ?1 AND person_id = ?2'
 */
export function visitorsOfPersonSql(site: string, person: string): string {
  return `SELECT visitor_id FROM visitors WHERE site_id = ${site} AND person_id = ${person}`
}

/**
 * The visitor ids linked to a person, the oldest first.
 * @example await findVisitorsOfPerson(env.DB, site.id, 'c:id:cust-42') // ['V1St', 'k3J9']
 */
export async function findVisitorsOfPerson(
  db: D1Database,
  siteId: string,
  personId: string,
): Promise<string[]> {
  const rows = await db
    .prepare(`${visitorsOfPersonSql('?1', '?2')} ORDER BY first_seen_at, visitor_id`)
    .bind(siteId, personId)
    .all<{ visitor_id: string }>()
  return rows.results.map((row) => row.visitor_id)
}

/**
 * The person a visitor belongs to (its own id until linked), or null for a visitor never seen.
 * @example await findPersonOf(env.DB, site.id, 'V1St') // 'V1St' or 'c:id:cust-42'
 */
export async function findPersonOf(
  db: D1Database,
  siteId: string,
  visitorId: string,
): Promise<string | null> {
  const row = await db
    .prepare('SELECT person_id FROM visitors WHERE site_id = ?1 AND visitor_id = ?2')
    .bind(siteId, visitorId)
    .first<{ person_id: string }>()
  return row?.person_id ?? null
}

/**
 * The site's identity secret (null until one is created): read only when a batch carries a signed
 * identify, so ordinary batches pay nothing for it.
 * @example await findIdentitySecret(env.DB, site.id) // 'idsec_…' or null
 */
export async function findIdentitySecret(db: D1Database, siteId: string): Promise<string | null> {
  const row = await db
    .prepare('SELECT identity_secret FROM sites WHERE id = ?1')
    .bind(siteId)
    .first<{ identity_secret: string | null }>()
  return row?.identity_secret ?? null
}

/**
 * Links a visitor that is still its own person to a customer's person, if the customer has room
 * (`MAX_VISITORS_PER_CUSTOMER`). A visitor already linked to someone is left alone: one visitor id
 * belongs to one customer only. Callers link only on the shop's word: a signed identify, or an
 * order its server reported with both ids.
 * @example statements.push(linkVisitorStatement(env.DB, site.id, 'V1St', 'c:id:cust-42'))
 */
export function linkVisitorStatement(
  db: D1Database,
  siteId: string,
  visitorId: string,
  personId: string,
): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE visitors SET person_id = ?3 WHERE site_id = ?1 AND visitor_id = ?2 AND person_id = visitor_id AND ${HAS_ROOM}`,
    )
    .bind(siteId, visitorId, personId)
}

/**
 * A new visitor row for a person: the fresh id a shared computer gets for its second customer.
 * When that customer is at the cap the row is its own person instead (a fresh, empty history:
 * never the first customer's).
 * @example insertVisitorOfPersonStatement(env.DB, site.id, nanoid(), 'c:id:cust-42', Date.now())
 */
export function insertVisitorOfPersonStatement(
  db: D1Database,
  siteId: string,
  visitorId: string,
  personId: string,
  now: number,
): D1PreparedStatement {
  return db
    .prepare(
      `INSERT OR IGNORE INTO visitors (site_id, visitor_id, first_seen_at, last_seen_at, person_id)
       VALUES (?1, ?2, ?4, ?4, CASE WHEN ${HAS_ROOM} THEN ?3 ELSE ?2 END)`,
    )
    .bind(siteId, visitorId, personId, now)
}
