import { ApiError } from '../errors'
import { DAY_MS, SECOND_MS, utcDay, utcMidnight } from '../lib/days'

/**
 * The daily write quota: how many rows one site may store through its public key per UTC day
 * (events accepted by `POST /v1/events`, exposures recorded by decide). It bounds what one site
 * can store, so only the operator raises it (`pnpm stammis site quota`), never the shop.
 *
 * The setting lives in D1 (`sites.daily_write_quota`); today's count lives in the site's ledger,
 * counted by triggers in the statement that stores each row (`ledger/quota.ts`), so only rows
 * really stored count, and checked in the same transaction (the object is the site's one writer:
 * no request in flight can overshoot it). This module holds the limits, the check and the 429.
 */

/** Rows a site may store through its public key per UTC day, unless the operator set its own. */
export const DEFAULT_DAILY_WRITE_QUOTA = 100_000

/** The most the operator may set: far above any shop, still a bound. */
export const MAX_DAILY_WRITE_QUOTA = 1_000_000_000

/** A site's quota and what it used today. */
export type WriteQuota = { quota: number; used: number }

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

/** The row `pnpm stammis site quota` reads from D1. */
export type QuotaReportRow = {
  id: string
  name: string
  public_key: string
  daily_write_quota: number | null
}

/**
 * SQL text for `pnpm stammis site quota`, which runs it with `wrangler d1 execute` (no bound
 * parameters, so values are inlined): set the site's quota when `quota` is given (null: back to
 * the default), then select the site and its quota. `site` is a public key or a site id. Today's
 * writes are counted in the site's ledger: the admin site answer (`quota.used`) tells them.
 * @example quotaCommandSql('pk_demo', 500_000)
 */
export function quotaCommandSql(site: string, quota: number | null | undefined): string {
  const key = `'${site.replaceAll("'", "''")}'`
  const update =
    quota === undefined
      ? ''
      : `UPDATE sites SET daily_write_quota = ${quota === null ? 'NULL' : Math.trunc(quota)} WHERE public_key = ${key} OR id = ${key}; `
  return (
    update +
    `SELECT id, name, public_key, daily_write_quota FROM sites WHERE public_key = ${key} OR id = ${key};`
  )
}
