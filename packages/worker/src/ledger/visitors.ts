import { MAX_VISITORS_PER_CUSTOMER } from '../identity/queries'
import { first, rows, run, type Sql } from './sql'

/** SQL: whether person `?2` has room for one more browser (its history row does not count). */
const HAS_ROOM = `(SELECT count(*) FROM visitors WHERE person_id = ?2 AND visitor_id <> ?2) < ${MAX_VISITORS_PER_CUSTOMER}`

/**
 * The person a visitor belongs to (its own id until linked), or null for a visitor never seen.
 * @example personOf(sql, 'V1St') // 'V1St' or 'c:id:cust-42'
 */
export function personOf(sql: Sql, visitorId: string): string | null {
  return (
    first<{ person_id: string }>(
      sql,
      'SELECT person_id FROM visitors WHERE visitor_id = ?1',
      visitorId,
    )?.person_id ?? null
  )
}

/**
 * The browser's visitor row, created (its own person) or seen again now; returns its person.
 * @example const personId = seeVisitor(sql, 'V1St', Date.now())
 */
export function seeVisitor(sql: Sql, visitorId: string, now: number): string {
  return sql
    .exec<{ person_id: string }>(
      `INSERT INTO visitors (visitor_id, person_id, first_seen_at, last_seen_at) VALUES (?1, ?1, ?2, ?2)
       ON CONFLICT (visitor_id) DO UPDATE SET last_seen_at = excluded.last_seen_at
       RETURNING person_id`,
      visitorId,
      now,
    )
    .one().person_id
}

/**
 * A visitor row for a server order, unless it exists: a customer's history row belongs to the
 * customer from the start; a browser's visitor is its own person.
 * @example addVisitor(sql, 'c:id:cust-42', 'c:id:cust-42', placedAt)
 */
export function addVisitor(sql: Sql, visitorId: string, personId: string, seenAt: number): void {
  sql.exec(
    'INSERT OR IGNORE INTO visitors (visitor_id, person_id, first_seen_at, last_seen_at) VALUES (?1, ?2, ?3, ?3)',
    visitorId,
    personId,
    seenAt,
  )
}

/**
 * Links a visitor that is still its own person to a customer's person, if the customer has room
 * (`MAX_VISITORS_PER_CUSTOMER`); a visitor already linked to someone is left alone (one visitor
 * id, one customer). Its visits and orders follow it to the person, and its own person, now
 * empty, is removed; the caller recounts the person. Callers link only on the shop's word: a
 * signed identify, or an order its server reported with both ids. Returns whether it linked.
 * @example if (linkVisitor(sql, 'V1St', 'c:id:cust-42')) touched.add('c:id:cust-42')
 */
export function linkVisitor(sql: Sql, visitorId: string, personId: string): boolean {
  const linked = run(
    sql,
    `UPDATE visitors SET person_id = ?2 WHERE visitor_id = ?1 AND person_id = visitor_id AND ${HAS_ROOM}`,
    visitorId,
    personId,
  )
  if (linked === 0) return false
  sql.exec('UPDATE visits SET person_id = ?2 WHERE visitor_id = ?1', visitorId, personId)
  sql.exec('UPDATE orders SET person_id = ?2 WHERE visitor_id = ?1', visitorId, personId)
  sql.exec('DELETE FROM people WHERE person_id = ?1', visitorId)
  return true
}

/**
 * A new visitor row for a person: the fresh id a shared computer gets for its second customer.
 * When that customer is at the cap the row is its own person instead (a fresh, empty history:
 * never the first customer's). Returns the person it got.
 * @example addVisitorOfPerson(sql, nanoid(), 'c:id:cust-42', Date.now())
 */
export function addVisitorOfPerson(
  sql: Sql,
  visitorId: string,
  personId: string,
  now: number,
): string {
  sql.exec(
    `INSERT OR IGNORE INTO visitors (visitor_id, person_id, first_seen_at, last_seen_at)
     VALUES (?1, CASE WHEN ${HAS_ROOM} THEN ?2 ELSE ?1 END, ?3, ?3)`,
    visitorId,
    personId,
    now,
  )
  return personOf(sql, visitorId)!
}

/**
 * The visitor ids of a person, oldest first.
 * @example visitorsOfPerson(sql, 'c:id:cust-42') // ['V1St', 'c:id:cust-42']
 */
export function visitorsOfPerson(sql: Sql, personId: string): string[] {
  return rows<{ visitor_id: string }>(
    sql,
    'SELECT visitor_id FROM visitors WHERE person_id = ?1 ORDER BY first_seen_at, visitor_id',
    personId,
  ).map((row) => row.visitor_id)
}

export { MAX_VISITORS_PER_CUSTOMER }
