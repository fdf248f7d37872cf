import { hasQuotaRoom } from '../limits/quota'
import { writeQuota } from './quota'
import { rows, type Sql } from './sql'
import type { Exposure, LedgerSite } from './types'

/**
 * Records that visitors were served rules (treatment or control), if they fit in today's write
 * quota (all or none: over the quota decide still answers, but records nothing). The first
 * exposure's time, visit and variant are kept, as lift is measured from the first exposure; a new
 * visit bumps `visits_exposed`, and the same visit again changes nothing but the last-seen time, so
 * the write is idempotent. Returns how many were recorded.
 * @example recordExposures(sql, site, exposures, Date.now())
 */
export function recordExposures(
  sql: Sql,
  site: Pick<LedgerSite, 'dailyWriteQuota'>,
  exposures: readonly Exposure[],
  now: number,
): number {
  if (exposures.length === 0) return 0
  if (!hasQuotaRoom(writeQuota(sql, site, now), exposures.length)) return 0
  for (const e of exposures) {
    sql.exec(
      `INSERT INTO exposures (rule_id, visitor_id, variant, ruleset_version, first_exposed_at, first_visit_id,
         last_exposed_at, last_visit_id, offer_code)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?5, ?6, ?7)
       ON CONFLICT (rule_id, visitor_id) DO UPDATE SET
         visits_exposed = visits_exposed + (last_visit_id <> excluded.last_visit_id),
         last_exposed_at = excluded.last_exposed_at,
         last_visit_id = excluded.last_visit_id,
         offer_code = coalesce(excluded.offer_code, offer_code)`,
      e.ruleId,
      e.visitorId,
      e.variant,
      e.rulesetVersion,
      now,
      e.visitId,
      e.offerCode,
    )
  }
  return exposures.length
}

/**
 * When each rule was first shown to the visitor's person (rule id → epoch ms): any of a customer's
 * browsers counts, so a code's validity runs from the customer's first sight of it and a fresh
 * browser (cleared cookies) does not restart it.
 * @example exposureTimes(sql, 'V1St') // { 'hero-returning': 1767225600000 }
 */
export function exposureTimes(sql: Sql, visitorId: string): Record<string, number> {
  const found = rows<{ rule_id: string; first_exposed_at: number }>(
    sql,
    `SELECT rule_id, min(first_exposed_at) AS first_exposed_at FROM exposures
     WHERE visitor_id IN (SELECT visitor_id FROM visitors WHERE person_id =
       (SELECT person_id FROM visitors WHERE visitor_id = ?1) UNION SELECT ?1)
     GROUP BY rule_id`,
    visitorId,
  )
  return Object.fromEntries(found.map((row) => [row.rule_id, row.first_exposed_at]))
}
