export type ExposureForCode = { ruleId: string; visitorId: string; variant: string; firstExposedAt: number; rulesetVersion: number }

/** The exposure that served a code: for unique codes, exactly one visitor. */
export async function findExposuresByCode(db: D1Database, siteId: string, code: string): Promise<ExposureForCode[]> {
  const rows = await db
    .prepare(
      `SELECT rule_id, visitor_id, variant, first_exposed_at, ruleset_version FROM exposures
       WHERE site_id = ?1 AND offer_code = ?2 AND variant = 'treatment'`,
    )
    .bind(siteId, code)
    .all<{ rule_id: string; visitor_id: string; variant: string; first_exposed_at: number; ruleset_version: number }>()
  return rows.results.map((row) => ({
    ruleId: row.rule_id,
    visitorId: row.visitor_id,
    variant: row.variant,
    firstExposedAt: row.first_exposed_at,
    rulesetVersion: row.ruleset_version,
  }))
}

/** Marks a code used by a holder; false when that holder already used it. */
export async function insertRedemption(
  db: D1Database,
  redemption: { siteId: string; code: string; holder: string; ruleId: string; orderId: string | null },
  now: number,
): Promise<boolean> {
  const result = await db
    .prepare('INSERT OR IGNORE INTO offer_redemptions (site_id, code, holder, rule_id, order_id, redeemed_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)')
    .bind(redemption.siteId, redemption.code, redemption.holder, redemption.ruleId, redemption.orderId, now)
    .run()
  return result.meta.changes === 1
}

export async function findRedemption(db: D1Database, siteId: string, code: string, holder: string): Promise<{ redeemedAt: number; orderId: string | null } | null> {
  const row = await db
    .prepare('SELECT redeemed_at, order_id FROM offer_redemptions WHERE site_id = ?1 AND code = ?2 AND holder = ?3')
    .bind(siteId, code, holder)
    .first<{ redeemed_at: number; order_id: string | null }>()
  return row ? { redeemedAt: row.redeemed_at, orderId: row.order_id } : null
}
