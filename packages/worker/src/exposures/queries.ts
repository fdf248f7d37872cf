export type Exposure = {
  siteId: string
  ruleId: string
  visitorId: string
  visitId: string
  variant: 'treatment' | 'control'
  rulesetVersion: number
  /** The offer code served, if any: the redemption check finds unique codes by it. */
  offerCode: string | null
}

/**
 * Records that visitors were served rules (treatment or control). The first exposure's time,
 * visit and variant are kept, as lift is measured from the first exposure; a new visit bumps
 * `visits_exposed`, and repeating the same visit changes nothing but the last-seen time, so the
 * write is idempotent.
 */
export async function recordExposures(
  db: D1Database,
  exposures: Exposure[],
  now: number,
): Promise<void> {
  if (exposures.length === 0) return
  const statement = db.prepare(
    `INSERT INTO exposures (site_id, rule_id, visitor_id, variant, ruleset_version, first_exposed_at, first_visit_id, last_exposed_at, last_visit_id, offer_code)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?6, ?7, ?8)
     ON CONFLICT (site_id, rule_id, visitor_id) DO UPDATE SET
       visits_exposed = visits_exposed + (last_visit_id <> excluded.last_visit_id),
       last_exposed_at = excluded.last_exposed_at,
       last_visit_id = excluded.last_visit_id,
       offer_code = coalesce(excluded.offer_code, offer_code)`,
  )
  await db.batch(
    exposures.map((e) =>
      statement.bind(
        e.siteId,
        e.ruleId,
        e.visitorId,
        e.variant,
        e.rulesetVersion,
        now,
        e.visitId,
        e.offerCode,
      ),
    ),
  )
}
