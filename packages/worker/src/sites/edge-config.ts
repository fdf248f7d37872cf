import type { EdgeConfig } from '@stammis/contract'
import { ApiError } from '../errors'

// Edge mode's settings: the origin (`sites.edge_origin`) and the hostnames (`site_hostnames`, a
// hostname is one site's at most: its primary key). This module owns both; the directory
// (`edge-directory.ts`) reads them per request through an isolate cache.

/**
 * The site's edge config, or null when it does not use edge mode.
 * @example await findEdgeConfig(env.DB, site.id) // { origin: 'https://origin.shop.example', hostnames: ['shop.example'] }
 */
export async function findEdgeConfig(db: D1Database, siteId: string): Promise<EdgeConfig | null> {
  const [origin, hostnames] = await db.batch<{ edge_origin: string | null } | { hostname: string }>(
    [
      db.prepare('SELECT edge_origin FROM sites WHERE id = ?1').bind(siteId),
      db
        .prepare('SELECT hostname FROM site_hostnames WHERE site_id = ?1 ORDER BY hostname')
        .bind(siteId),
    ],
  )
  const edgeOrigin = (origin!.results[0] as { edge_origin: string | null } | undefined)?.edge_origin
  if (!edgeOrigin) return null
  return {
    origin: edgeOrigin,
    hostnames: (hostnames!.results as { hostname: string }[]).map((row) => row.hostname),
  }
}

/**
 * Replaces the site's edge config (null turns edge mode off and frees its hostnames), in one
 * transaction. A hostname that is another site's is refused with 409 `hostname_taken` and nothing
 * changes; two sites claiming one hostname at once cannot both win (the primary key decides).
 * Returns the hostnames that changed hands (removed or added), for the caller to forget in its cache.
 * @example await saveEdgeConfig(env.DB, site.id, { origin: 'https://origin.shop.example', hostnames: ['shop.example'] }, Date.now())
 */
export async function saveEdgeConfig(
  db: D1Database,
  siteId: string,
  edge: EdgeConfig | null,
  now: number,
): Promise<string[]> {
  const hostnames = edge?.hostnames ?? []
  if (hostnames.length > 0) {
    const placeholders = hostnames.map((_, i) => `?${i + 2}`).join(', ')
    const taken = await db
      .prepare(
        `SELECT hostname FROM site_hostnames WHERE site_id <> ?1 AND hostname IN (${placeholders})`,
      )
      .bind(siteId, ...hostnames)
      .first<{ hostname: string }>()
    if (taken) throw hostnameTaken(taken.hostname)
  }
  const before = await db
    .prepare('SELECT hostname FROM site_hostnames WHERE site_id = ?1')
    .bind(siteId)
    .all<{ hostname: string }>()
  const insert = db.prepare(
    'INSERT INTO site_hostnames (hostname, site_id, created_at) VALUES (?1, ?2, ?3)',
  )
  try {
    await db.batch([
      db
        .prepare('UPDATE sites SET edge_origin = ?2 WHERE id = ?1')
        .bind(siteId, edge?.origin ?? null),
      db.prepare('DELETE FROM site_hostnames WHERE site_id = ?1').bind(siteId),
      ...hostnames.map((hostname) => insert.bind(hostname, siteId, now)),
    ])
  } catch (error) {
    // Another site took one of them between the check and the write: the transaction rolled back.
    if (String(error).includes('UNIQUE')) throw hostnameTaken(hostnames.join(', '))
    throw error
  }
  return [...new Set([...before.results.map((row) => row.hostname), ...hostnames])]
}

function hostnameTaken(hostname: string): ApiError {
  return new ApiError(
    'hostname_taken',
    `The edge hostname ${hostname} is already another site's; remove it from that site's edge first.`,
  )
}

/** What the edge needs to serve a hostname: its site's id and public key, and the origin. */
export type EdgeSite = { siteId: string; publicKey: string; origin: string }

/**
 * The site an edge hostname belongs to, with its origin; null when the hostname is none of a
 * site's (or the site turned edge mode off).
 * @example await findEdgeSiteByHostname(env.DB, 'shop.example')
 */
export async function findEdgeSiteByHostname(
  db: D1Database,
  hostname: string,
): Promise<EdgeSite | null> {
  const row = await db
    .prepare(
      `SELECT s.id, s.public_key, s.edge_origin FROM site_hostnames h JOIN sites s ON s.id = h.site_id
       WHERE h.hostname = ?1 AND s.edge_origin IS NOT NULL`,
    )
    .bind(hostname)
    .first<{ id: string; public_key: string; edge_origin: string }>()
  return row ? { siteId: row.id, publicKey: row.public_key, origin: row.edge_origin } : null
}
