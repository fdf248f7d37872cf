/**
 * Small helpers over the object's SQLite (`ctx.storage.sql`): every ledger module takes the
 * `SqlStorage` and runs plain SQL with `?1`-style parameters, synchronously, inside the
 * transaction its operation opened.
 */

export type Sql = SqlStorage
export type SqlValue = SqlStorageValue
type Row = Record<string, SqlValue>

/**
 * Every row of a query.
 * @example rows<{ visitor_id: string }>(sql, 'SELECT visitor_id FROM visitors WHERE person_id = ?1', personId)
 */
export function rows<T extends Row>(sql: Sql, query: string, ...params: SqlValue[]): T[] {
  return sql.exec<T>(query, ...params).toArray()
}

/**
 * The first row of a query, or undefined.
 * @example first<{ person_id: string }>(sql, 'SELECT person_id FROM visitors WHERE visitor_id = ?1', 'V1')
 */
export function first<T extends Row>(
  sql: Sql,
  query: string,
  ...params: SqlValue[]
): T | undefined {
  for (const row of sql.exec<T>(query, ...params)) return row
  return undefined
}

/**
 * Runs a write and answers how many rows it changed itself (SQLite's `changes()`: rows changed by
 * triggers and index entries are not counted).
 * @example if (run(sql, 'INSERT OR IGNORE INTO webhook_deliveries VALUES (?1, ?2)', signature, now) === 1) ...
 */
export function run(sql: Sql, query: string, ...params: SqlValue[]): number {
  sql.exec(query, ...params).toArray()
  return sql.exec<{ n: number }>('SELECT changes() AS n').one().n
}

/** A JSON array parameter, for `IN (SELECT value FROM json_each(?n))`: any number of ids in one. */
export function jsonList(values: readonly string[]): string {
  return JSON.stringify(values)
}

/**
 * SQL: whether an order counts for classification: verified by the shop's server, or reported by
 * the browser on a site that trusts browser purchases (`?3`).
 */
export const COUNTED_ORDER = '(verified = 1 OR ?3 = 1)'
