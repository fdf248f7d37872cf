import { findEdgeSiteByHostname, type EdgeSite } from './edge-config'

/** How long this isolate trusts what it read about a hostname (edge site or not). */
export const EDGE_DIRECTORY_TTL_MS = 10_000
/** Hostnames remembered per isolate; past it the cache starts over (a burst of junk Hosts cannot grow it). */
export const EDGE_DIRECTORY_MAX_ENTRIES = 10_000
/** Longer than any hostname (253) plus a port: a longer Host is never an edge hostname. */
const MAX_HOST_LENGTH = 260

/**
 * Hostname → edge site (or null: not an edge hostname), per isolate. Deliberate, bounded module
 * state: every request to the worker asks whether its Host is an edge hostname, and that answer
 * changes only when a site's edge config does. A config change is seen at once in the isolate that
 * made it and within `EDGE_DIRECTORY_TTL_MS` everywhere else; the negative answers (the API's own
 * hostname, junk Hosts) are cached the same way, so they cost one D1 read per isolate per 10 s.
 * When D1 cannot be read, an expired answer is used rather than none.
 */
const entries = new Map<string, { site: EdgeSite | null; until: number }>()

/**
 * The hostname as the directory keys it: lower case, without a trailing dot (`shop.example.` is
 * `shop.example`), the port kept (the URL parser already drops a scheme's default port).
 * @example edgeHostname(new URL('https://Shop.Example./x')) // 'shop.example'
 */
export function edgeHostname(url: URL): string {
  return url.host.toLowerCase().replace(/\.(?=:|$)/, '')
}

/**
 * The edge site serving this hostname, or null when it is not an edge hostname. Concurrent misses
 * each read D1 (at most once per isolate per 10 s each): sharing one read between requests was
 * tried, and a request that awaited another request's read could no longer read its own body
 * ("Cannot perform I/O on behalf of a different request": 9 of 24,548 decide and events answers
 * were 500s in a `pnpm bench` run).
 * @example const site = await edgeSiteFor(env.DB, edgeHostname(new URL(request.url)))
 */
export async function edgeSiteFor(
  db: D1Database,
  hostname: string,
  now: number = Date.now(),
): Promise<EdgeSite | null> {
  if (hostname.length > MAX_HOST_LENGTH) return null
  const cached = entries.get(hostname)
  if (cached && cached.until > now) return cached.site
  let site: EdgeSite | null
  try {
    site = await findEdgeSiteByHostname(db, hostname)
  } catch (error) {
    // D1 unreachable: a hostname this isolate knew keeps its last answer (a shop's pages keep
    // being served) rather than failing every request of it.
    if (cached) return cached.site
    throw error
  }
  if (entries.size >= EDGE_DIRECTORY_MAX_ENTRIES && !entries.has(hostname)) entries.clear()
  entries.set(hostname, { site, until: now + EDGE_DIRECTORY_TTL_MS })
  return site
}

/**
 * Drops hostnames from this isolate's directory, so a config change applies here at once.
 * @example forgetEdgeHostnames(['shop.example'])
 */
export function forgetEdgeHostnames(hostnames: readonly string[]): void {
  for (const hostname of hostnames) entries.delete(hostname)
}
