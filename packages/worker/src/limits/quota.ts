import { ApiError } from '../errors'
import { DAY_MS, SECOND_MS, utcDay, utcMidnight } from '../lib/days'
import { publicKeyMatches, SITE_COLUMNS, toSite, type SiteRow } from '../sites/queries'
import type { Site } from '../sites/site'

/**
 * The daily write quota: how many rows one site may store through its public key per UTC day
 * (events accepted by `POST /v1/events`, exposures recorded by decide). It protects the database
 * every site shares, so only the operator raises it (`pnpm stammis site quota`), never the shop.
 *
 * Counting is done by triggers (migrations/0007_limits.sql) in the very statement that stores a
 * row, so only rows really stored count: a duplicate or a retried batch never counts twice, and a
 * refused batch counts nothing. The check reads today's count with the site, in the query the route
 * makes anyway, and refuses a request that could take the count past the quota; requests already
 * in flight can overshoot it by what they carry (at most 50 events each).
 *
 * This module is the quota's one owner: its table, its SQL and its check. When visitor history
 * moves into a per-site Durable Object, the counter moves with it behind the same functions.
 */

/** Rows a site may store through its public key per UTC day, unless the operator set its own. */
export const DEFAULT_DAILY_WRITE_QUOTA = 100_000

/** The most the operator may set: far above any shop, still a bound. */
export const MAX_DAILY_WRITE_QUOTA = 1_000_000_000

/** A site's quota and what it used today. */
export type WriteQuota = { quota: number; used: number }

/** Columns to select with a `sites s` row: the quota and today's writes, `?day` the UTC day. */
export function quotaColumns(dayParameter: string): string {
  return `coalesce(s.daily_write_quota, ${DEFAULT_DAILY_WRITE_QUOTA}) AS write_quota,
    coalesce((SELECT writes FROM site_daily_writes WHERE site_id = s.id AND day = ${dayParameter}), 0) AS writes_today`
}

export type QuotaRow = { write_quota: number; writes_today: number }

export function toWriteQuota(row: QuotaRow): WriteQuota {
  return { quota: row.write_quota, used: row.writes_today }
}

/**
 * The site by public key, with its quota and today's writes, in one query: the events route's
 * site lookup, so checking the quota costs no extra round trip.
 * @example const found = await findSiteWithQuota(env.DB, 'pk_demo', Date.now())
 */
export async function findSiteWithQuota(
  db: D1Database,
  publicKey: string,
  now: number,
): Promise<{ site: Site; quota: WriteQuota } | null> {
  const row = await db
    .prepare(
      `SELECT ${SITE_COLUMNS}, ${quotaColumns('?2')} FROM sites s WHERE ${publicKeyMatches('?1', '?3')}`,
    )
    .bind(publicKey, utcDay(now), now)
    .first<SiteRow & QuotaRow>()
  return row ? { site: toSite(row), quota: toWriteQuota(row) } : null
}

/** Whether `incoming` more rows fit in today's quota. @example hasQuotaRoom({ quota: 10, used: 8 }, 2) // true */
export function hasQuotaRoom(quota: WriteQuota, incoming: number): boolean {
  return quota.used + incoming <= quota.quota
}

/**
 * Refuses, with 429 `quota_exceeded` and a Retry-After until the next UTC day, a request whose
 * `incoming` rows could take the site past today's quota.
 * @example assertQuotaRoom(quota, request.events.length, Date.now())
 */
export function assertQuotaRoom(quota: WriteQuota, incoming: number, now: number): void {
  if (!hasQuotaRoom(quota, incoming)) throw quotaExceeded(quota, incoming, now)
}

/**
 * The 429 `quota_exceeded` error, with a Retry-After until the next UTC day, for a request whose
 * `incoming` rows could take the site past today's quota (as the ledger refused it).
 * @example if (!result.ok) throw quotaExceeded(result.quota, request.events.length, Date.now())
 */
export function quotaExceeded(quota: WriteQuota, incoming: number, now: number): ApiError {
  const retryAfterSeconds = Math.max(
    1,
    Math.ceil((utcMidnight(utcDay(now)) + DAY_MS - now) / SECOND_MS),
  )
  return new ApiError(
    'quota_exceeded',
    `This site stored ${quota.used} of its ${quota.quota} writes for today (UTC); ${incoming} more would pass the quota. ` +
      'Try again tomorrow; the operator of this deployment can raise the quota.',
    undefined,
    { retryAfterSeconds },
  )
}

/** The row `pnpm stammis site quota` prints. */
export type QuotaReportRow = {
  id: string
  name: string
  public_key: string
  daily_write_quota: number | null
  writes_today: number
}

/**
 * SQL text for `pnpm stammis site quota`, which runs it with `wrangler d1 execute` (no bound
 * parameters, so values are inlined): set the site's quota when `quota` is given (null: back to
 * the default), then select the site's quota and today's writes. `site` is a public key or a site id.
 * @example quotaCommandSql('pk_demo', 500_000, Date.now())
 */
export function quotaCommandSql(
  site: string,
  quota: number | null | undefined,
  now: number,
): string {
  const key = `'${site.replaceAll("'", "''")}'`
  const update =
    quota === undefined
      ? ''
      : `UPDATE sites SET daily_write_quota = ${quota === null ? 'NULL' : Math.trunc(quota)} WHERE public_key = ${key} OR id = ${key}; `
  return (
    update +
    `SELECT s.id, s.name, s.public_key, s.daily_write_quota, coalesce(w.writes, 0) AS writes_today FROM sites s ` +
    `LEFT JOIN site_daily_writes w ON w.site_id = s.id AND w.day = '${utcDay(now)}' WHERE s.public_key = ${key} OR s.id = ${key};`
  )
}
