import { VISITOR_STATE_COLUMNS, toVisitorState, type VisitorStateRow } from '../segments/queries'
import type { VisitorState } from '../segments/classify'
import { publicKeyMatches, SITE_COLUMNS, toSite, type SiteRow } from '../sites/queries'
import type { Site } from '../sites/site'

const EXPOSURE_TIMES = '(SELECT json_group_object(rule_id, first_exposed_at) FROM exposures WHERE site_id = s.id AND visitor_id = ?2)'

/**
 * When this visitor was first shown each rule: needed only for unique offer codes, whose expiry runs
 * from first sight. Decide asks for it inside its one query when the site's rules have such codes,
 * and here only in the rare case it could not know in advance (right after a publish).
 */
export async function loadExposureTimes(db: D1Database, siteId: string, visitorId: string): Promise<Record<string, number>> {
  const row = await db
    .prepare('SELECT json_group_object(rule_id, first_exposed_at) AS times FROM exposures WHERE site_id = ?1 AND visitor_id = ?2')
    .bind(siteId, visitorId)
    .first<{ times: string | null }>()
  return JSON.parse(row?.times ?? '{}') as Record<string, number>
}

export type DecideContext = {
  site: Site
  state: VisitorState
  rulesVersion: number
  /** When this visitor was first shown each rule (rule id → epoch ms): unique codes expire from it. */
  firstExposedAt: Record<string, number>
}

/**
 * Everything decide needs from storage in a single D1 round trip: the site (by public key, or by
 * the key it replaced while that is in its grace period), the
 * visitor's counters, whether the request's visit has a purchase, and the live rule-set version
 * (the rules themselves come from memory or KV). Null when no site has the key.
 */
export async function loadDecideContext(
  db: D1Database,
  publicKey: string,
  visitorId: string,
  visitId: string,
  options: { withExposureTimes: boolean; now: number },
): Promise<DecideContext | null> {
  const row = await db
    .prepare(decideContextSql(options))
    .bind(publicKey, visitorId, visitId, options.now)
    .first<SiteRow & VisitorStateRow & { rules_version: number | null; first_exposed_at: string | null }>()
  if (!row) return null
  return {
    site: toSite(row),
    state: toVisitorState(row),
    rulesVersion: row.rules_version ?? 0,
    firstExposedAt: JSON.parse(row.first_exposed_at ?? '{}') as Record<string, number>,
  }
}

/**
 * Decide's one statement; parameters `?1` public key, `?2` visitor id, `?3` visit id, `?4` now.
 * Exported so a test can check its query plan stays on indexes.
 * @example db.prepare(decideContextSql({ withExposureTimes: false })).bind('pk_demo', 'v', 's', Date.now())
 */
export function decideContextSql(options: { withExposureTimes: boolean }): string {
  return `SELECT ${SITE_COLUMNS}, ${VISITOR_STATE_COLUMNS},
         (SELECT max(version) FROM rulesets WHERE site_id = s.id) AS rules_version,
         ${options.withExposureTimes ? EXPOSURE_TIMES : 'NULL'} AS first_exposed_at
       FROM sites s
       LEFT JOIN visitors v ON v.site_id = s.id AND v.visitor_id = ?2
       LEFT JOIN visits cv ON cv.site_id = s.id AND cv.visitor_id = ?2 AND cv.visit_id = ?3
       WHERE ${publicKeyMatches('?1', '?4')}`
}
