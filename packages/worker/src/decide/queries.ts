import { visitorsOfPersonSql } from '../identity/queries'
import { utcDay } from '../lib/days'
import { quotaColumns, toWriteQuota, type QuotaRow, type WriteQuota } from '../limits/quota'
import { VISITOR_STATE_COLUMNS, toVisitorState, type VisitorStateRow } from '../segments/queries'
import type { VisitorState } from '../segments/classify'
import { publicKeyMatches, SITE_COLUMNS, toSite, type SiteRow } from '../sites/queries'
import type { Site } from '../sites/site'

/**
 * When each rule was first shown to the visitor's person (rule id → epoch ms, as JSON): any of a
 * customer's browsers counts, so a code's validity runs from the customer's first sight of it and
 * a fresh browser (cleared cookies) does not restart it. `?2` is the visitor, `person` its person.
 */
function exposureTimesSql(siteId: string, person: string): string {
  return `(SELECT json_group_object(rule_id, first_exposed_at) FROM (
    SELECT rule_id, min(first_exposed_at) AS first_exposed_at FROM exposures
    WHERE site_id = ${siteId} AND visitor_id IN (${visitorsOfPersonSql(siteId, person)} UNION SELECT ?2)
    GROUP BY rule_id))`
}

/**
 * When this visitor's person was first shown each rule: needed only for unique offer codes, whose
 * expiry runs from first sight. Decide asks for it inside its one query when the site's rules have
 * such codes, and here only in the rare case it could not know in advance (right after a publish).
 */
export async function loadExposureTimes(
  db: D1Database,
  siteId: string,
  visitorId: string,
): Promise<Record<string, number>> {
  const row = await db
    .prepare(
      `SELECT ${exposureTimesSql('?1', '(SELECT person_id FROM visitors WHERE site_id = ?1 AND visitor_id = ?2)')} AS times`,
    )
    .bind(siteId, visitorId)
    .first<{ times: string | null }>()
  return JSON.parse(row?.times ?? '{}') as Record<string, number>
}

export type DecideContext = {
  site: Site
  state: VisitorState
  rulesVersion: number
  /** When this visitor's person was first shown each rule (rule id → epoch ms): unique codes expire from it. */
  firstExposedAt: Record<string, number>
  /** The site's daily write quota and what it used today: exposures are recorded only within it. */
  quota: WriteQuota
}

/**
 * Everything decide needs from storage in a single D1 round trip: the site (by public key, or by
 * the key it replaced while that is in its grace period), the
 * visitor's counters, whether the request's visit has a purchase, and the live rule-set version
 * (the rules themselves come from memory or KV), and the site's write quota for the UTC day of
 * `now`. Null when no site has the key.
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
    .bind(publicKey, visitorId, visitId, options.now, utcDay(options.now))
    .first<
      SiteRow &
        VisitorStateRow &
        QuotaRow & { rules_version: number | null; first_exposed_at: string | null }
    >()
  if (!row) return null
  return {
    site: toSite(row),
    state: toVisitorState(row),
    rulesVersion: row.rules_version ?? 0,
    firstExposedAt: JSON.parse(row.first_exposed_at ?? '{}') as Record<string, number>,
    quota: toWriteQuota(row),
  }
}

/**
 * Decide's one statement; parameters `?1` public key, `?2` visitor id, `?3` visit id, `?4` now,
 * `?5` today's UTC day (the write quota's).
 * Exported so a test can check its query plan stays on indexes.
 * @example db.prepare(decideContextSql({ withExposureTimes: false })).bind('pk_demo', 'v', 's', Date.now())
 */
export function decideContextSql(options: { withExposureTimes: boolean }): string {
  return `SELECT ${SITE_COLUMNS}, ${VISITOR_STATE_COLUMNS},
         (SELECT max(version) FROM rulesets WHERE site_id = s.id) AS rules_version,
         ${options.withExposureTimes ? exposureTimesSql('s.id', 'v.person_id') : 'NULL'} AS first_exposed_at,
         ${quotaColumns('?5')}
       FROM sites s
       LEFT JOIN visitors v ON v.site_id = s.id AND v.visitor_id = ?2
       LEFT JOIN visits cv ON cv.site_id = s.id AND cv.visitor_id = ?2 AND cv.visit_id = ?3
       WHERE ${publicKeyMatches('?1', '?4')}`
}
