import type { Site } from './site'
import { findSiteByPublicKey } from './queries'

/**
 * How long an isolate trusts what it read about a site: settings changed in D1 (origins, lapse
 * days, trusted purchases, quota, a rotated key's end) reach every isolate within this time; the
 * isolate that made the change sees it at once (`forgetSite`).
 */
export const SITE_ENTRY_MAX_AGE_MS = 10_000

/** Known sites kept per isolate; past this the oldest entry makes room. */
export const MAX_SITE_ENTRIES = 10_000

/**
 * Public keys no site has, kept per isolate for `SITE_ENTRY_MAX_AGE_MS`, so a flood of made-up
 * keys costs one D1 read per key and isolate, not one per request; bounded so it cannot grow
 * without end (the oldest makes room).
 */
export const MAX_UNKNOWN_KEYS = 10_000

type Entry = {
  /** The site, or null: no site has this key. */
  site: Site | null
  loadedAt: number
  /** When the key stops working (a replaced key in its grace period); null: it does not. */
  validUntil: number | null
}

/**
 * Public key → site, for the browser calls (decide, events) and the webhook: deliberate module
 * state, one map per isolate, entries at most `SITE_ENTRY_MAX_AGE_MS` old and refreshed from D1
 * (the source of truth). A key → site id mapping never changes; what can change (settings, a
 * previous key's grace end) is at most that old, and a replaced key is never served past its grace
 * end. Entries hold values, never a read under way: a request that awaited another request's read
 * would go on in that request's I/O context (the edge's hostname directory met it as "Cannot
 * perform I/O on behalf of a different request"), so concurrent misses each read D1.
 */
const known = new Map<string, Entry>()
const unknown = new Map<string, Entry>()
/** Bumped by every forget: a read that began before it is not remembered (it may be stale). */
let generation = 0

/**
 * The site a public key names (its current key, or its previous one within the grace period),
 * from the isolate's directory or D1; null when no site has it.
 * @example const site = await siteByPublicKey(env.DB, 'pk_demo', Date.now())
 */
export async function siteByPublicKey(
  db: D1Database,
  publicKey: string,
  now: number,
): Promise<Site | null> {
  const entry = known.get(publicKey) ?? unknown.get(publicKey)
  if (entry && isFresh(entry, now)) return entry.site
  return load(db, publicKey, now)
}

function isFresh(entry: Entry, now: number): boolean {
  return (
    now - entry.loadedAt < SITE_ENTRY_MAX_AGE_MS &&
    (entry.validUntil === null || now < entry.validUntil)
  )
}

async function load(db: D1Database, publicKey: string, now: number): Promise<Site | null> {
  const readIn = generation
  // A failed read throws and is not remembered: the next request reads again.
  const found = await findSiteByPublicKey(db, publicKey, now)
  if (readIn !== generation) return found?.site ?? null
  if (!found) {
    known.delete(publicKey)
    remember(unknown, publicKey, { site: null, loadedAt: now, validUntil: null }, MAX_UNKNOWN_KEYS)
    return null
  }
  unknown.delete(publicKey)
  remember(
    known,
    publicKey,
    { site: found.site, loadedAt: now, validUntil: found.keyValidUntil },
    MAX_SITE_ENTRIES,
  )
  return found.site
}

function remember(map: Map<string, Entry>, key: string, entry: Entry, limit: number): void {
  map.delete(key)
  if (map.size >= limit) map.delete(map.keys().next().value!)
  map.set(key, entry)
}

/**
 * Drops what this isolate knows about a site (after its settings or keys change here), so this
 * isolate's next request reads them from D1; other isolates see the change within
 * `SITE_ENTRY_MAX_AGE_MS`. Also drops every unknown key: a key that just came into use is found.
 * A read under way when this is called is not remembered (it may hold the settings as they were).
 * @example forgetSite(site.id)
 */
export function forgetSite(siteId: string): void {
  generation++
  for (const [key, entry] of known) if (entry.site?.id === siteId) known.delete(key)
  unknown.clear()
}

/** Forgets everything (tests that change sites in D1 behind the worker's back). */
export function clearSiteDirectory(): void {
  generation++
  known.clear()
  unknown.clear()
}
