import { first, type Sql } from './sql'
import type { LedgerSite } from './types'

/**
 * The object's own facts in `ledger_meta`: which site it holds (set by the first call: one object,
 * one site) and the site's currency, which the rollup triggers read to count revenue.
 */

/**
 * Checks that the call is for this object's site (a routing mistake must never mix two shops),
 * and records the site, and its currency when it changed. Returns the currency now recorded.
 * @example bindSite(sql, site)
 */
export function bindSite(sql: Sql, site: Pick<LedgerSite, 'id' | 'currency'>): void {
  const stored = first<{ site_id: string | null; currency: string | null }>(
    sql,
    `SELECT (SELECT value FROM ledger_meta WHERE key = 'site_id') AS site_id,
       (SELECT value FROM ledger_meta WHERE key = 'currency') AS currency`,
  )
  if (stored?.site_id && stored.site_id !== site.id)
    throw new Error(`this ledger holds site ${stored.site_id}, not ${site.id}`)
  if (!stored?.site_id) setMeta(sql, 'site_id', site.id)
  if (stored?.currency !== site.currency) setMeta(sql, 'currency', site.currency)
}

/** `ledger_meta` key: when a copy of the site's history from D1 ran to its end (`storage migrate`). */
export const D1_COPIED = 'd1_copied_at'

/** A `ledger_meta` value, or null. */
export function getMeta(sql: Sql, key: string): string | null {
  return (
    first<{ value: string }>(sql, 'SELECT value FROM ledger_meta WHERE key = ?1', key)?.value ??
    null
  )
}

/** Sets a `ledger_meta` value. */
export function setMeta(sql: Sql, key: string, value: string): void {
  sql.exec(
    'INSERT INTO ledger_meta (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    key,
    value,
  )
}
