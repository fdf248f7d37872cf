import { utcDay } from '../lib/days'
import { DEFAULT_DAILY_WRITE_QUOTA, type WriteQuota } from '../limits/quota'
import { first, type Sql } from './sql'
import type { LedgerSite } from './types'

/**
 * The daily write quota's counter: rows stored through the public key per UTC day, counted by
 * triggers on `events` and `exposures` (schema.ts) in the statement that stores each row. The
 * object is the site's single writer, so checking and writing in one transaction leaves no room
 * for requests in flight to overshoot the quota.
 */

/**
 * The site's quota and what it used on the UTC day of `now`.
 * @example const quota = writeQuota(sql, site, Date.now())
 */
export function writeQuota(
  sql: Sql,
  site: Pick<LedgerSite, 'dailyWriteQuota'>,
  now: number,
): WriteQuota {
  const row = first<{ writes: number }>(
    sql,
    'SELECT writes FROM site_daily_writes WHERE day = ?1',
    utcDay(now),
  )
  return { quota: site.dailyWriteQuota ?? DEFAULT_DAILY_WRITE_QUOTA, used: row?.writes ?? 0 }
}
