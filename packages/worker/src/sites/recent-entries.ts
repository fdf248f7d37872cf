import { SECOND_MS } from '../lib/days'
import type { Site } from './site'

/**
 * How long this isolate answers a token decide from what a storage read told it about the site
 * (its settings, profile epoch, live rules version and write quota). A bump in another isolate,
 * or a publish, reaches token decides here within this bound; in the isolate that made the change,
 * at once (`forgetSiteEntries`). Storage-path decides see every change at once.
 */
export const SITE_ENTRY_MAX_AGE_MS = 10 * SECOND_MS

/** Bounded: a worker serving more sites than this starts over (a cache miss costs one storage read). */
const MAX_ENTRIES = 10_000

/** What a decide needs to know about a site besides the visitor: all of it from one storage read. */
export type SiteEntry = {
  site: Site
  rulesVersion: number
  /** The site's daily write quota and what it had used when read (`WriteQuota` of limits/quota.ts). */
  quota: { quota: number; used: number }
}

type Remembered = SiteEntry & { readAt: number }

/**
 * The site as the latest storage read in this isolate saw it, by the public key it was asked with.
 * Deliberate module state, bounded by `MAX_ENTRIES` and by age: it is what lets a decide with a
 * valid profile token answer without any storage read.
 */
const entries = new Map<string, Remembered>()

/**
 * Keeps what a storage read just told about a site, for token decides of the next
 * `SITE_ENTRY_MAX_AGE_MS`.
 * @example rememberSiteEntry('pk_demo', { site, rulesVersion, quota }, Date.now())
 */
export function rememberSiteEntry(publicKey: string, entry: SiteEntry, readAt: number): void {
  if (entries.size >= MAX_ENTRIES && !entries.has(publicKey)) entries.clear()
  entries.set(publicKey, { ...entry, readAt })
}

/**
 * The site entry read for this public key within `SITE_ENTRY_MAX_AGE_MS` of `now`, or null (then
 * decide reads storage, which refreshes it).
 * @example const entry = recentSiteEntry(request.site, Date.now())
 */
export function recentSiteEntry(publicKey: string, now: number): SiteEntry | null {
  const entry = entries.get(publicKey)
  if (!entry || now - entry.readAt > SITE_ENTRY_MAX_AGE_MS || entry.readAt > now) return null
  return entry
}

/**
 * Drops this isolate's entries of a site (under every public key it was asked with): after a
 * change to the site, its next decide here reads storage.
 * @example forgetSiteEntries(site.id)
 */
export function forgetSiteEntries(siteId: string): void {
  for (const [publicKey, entry] of entries) if (entry.site.id === siteId) entries.delete(publicKey)
}
