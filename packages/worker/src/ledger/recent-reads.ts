import { SECOND_MS } from '../lib/days'

/**
 * How long a decide with a valid profile token may use what this isolate last read from a site's
 * ledger (its live rules version and write quota) instead of calling the ledger: the site
 * directory's bound (`SITE_ENTRY_MAX_AGE_MS`), so a token decide sees a settings change, an epoch
 * bump or a publish made in another isolate within the same 10 s. A publish or a bump made in this
 * isolate is seen at once (`forgetLedgerRead`, `forgetSite`).
 */
export const LEDGER_READ_MAX_AGE_MS = 10 * SECOND_MS

/** Sites remembered per isolate; past this the oldest makes room (a miss costs one ledger call). */
const MAX_SITES = 10_000

/** What decide read from a site's ledger besides the visitor. */
export type LedgerRead = {
  rulesVersion: number
  /** Today's write quota and what was used when read (the ledger enforces it exactly on write). */
  quota: { quota: number; used: number }
}

/**
 * Site id → the latest ledger read of this isolate: deliberate module state, bounded in size and
 * age. It is what lets a decide with a valid profile token answer without any storage call.
 */
const reads = new Map<string, LedgerRead & { readAt: number }>()

/**
 * Keeps what a decide just read from a site's ledger, for token decides of the next
 * `LEDGER_READ_MAX_AGE_MS`.
 * @example rememberLedgerRead(site.id, { rulesVersion: context.rulesVersion, quota: context.quota }, now)
 */
export function rememberLedgerRead(siteId: string, read: LedgerRead, readAt: number): void {
  reads.delete(siteId)
  if (reads.size >= MAX_SITES) reads.delete(reads.keys().next().value!)
  // These two fields only: a decide context also holds its visitor's state, which module state
  // must not keep.
  reads.set(siteId, { rulesVersion: read.rulesVersion, quota: read.quota, readAt })
}

/**
 * The site's ledger read of at most `LEDGER_READ_MAX_AGE_MS` ago, or null (decide then calls the
 * ledger, which refreshes it).
 * @example const read = recentLedgerRead(site.id, Date.now())
 */
export function recentLedgerRead(siteId: string, now: number): LedgerRead | null {
  const read = reads.get(siteId)
  // A read made by a request that started later than this one counts as fresh (its age is < 0).
  if (!read || now - read.readAt >= LEDGER_READ_MAX_AGE_MS) return null
  return read
}

/**
 * Forgets a site's ledger read (after a publish here), so this isolate's next decide calls the
 * ledger and serves the new version.
 * @example forgetLedgerRead(siteId)
 */
export function forgetLedgerRead(siteId: string): void {
  reads.delete(siteId)
}
