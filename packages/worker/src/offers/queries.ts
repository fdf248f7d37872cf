import { visitorsOfPersonSql } from '../identity/queries'
import { PERSON_MEMBERS } from '../segments/queries'

export type HolderExposure = {
  ruleId: string
  visitorId: string
  firstExposedAt: number
  rulesetVersion: number
}

export type CodeLookup = {
  /** Anyone was ever served this code (else it is unknown). */
  isKnown: boolean
  /** The holder's earliest exposure that served it, if the holder was served it. */
  exposure: HolderExposure | null
  /** The person the request's visitor belongs to (null: a visitor never seen, or a customer request). */
  visitorPerson: string | null
}

/**
 * Looks a code up for one holder, in SQL and one round trip: whether it exists at all, and the
 * earliest exposure that served it to the holder's own browsers (a customer's person, or a visitor
 * and whatever person it belongs to). Only the holder's exposures are read, never every holder's.
 * @example await findCodeForHolder(env.DB, site.id, 'BACK-7K2M9QXA', { visitorId: 'V1St' })
 */
export async function findCodeForHolder(
  db: D1Database,
  siteId: string,
  code: string,
  holder: { visitorId: string } | { personId: string },
): Promise<CodeLookup> {
  // `?2` is the visitor or the customer's person; `?3` the code.
  const holderVisitors =
    'visitorId' in holder ? `SELECT ?2 UNION ${PERSON_MEMBERS}` : visitorsOfPersonSql('?1', '?2')
  const who = 'visitorId' in holder ? holder.visitorId : holder.personId
  const statements = [
    db
      .prepare(
        'SELECT EXISTS (SELECT 1 FROM exposures WHERE site_id = ?1 AND offer_code = ?2) AS known',
      )
      .bind(siteId, code),
    db
      .prepare(
        `SELECT rule_id, visitor_id, first_exposed_at, ruleset_version FROM exposures
         WHERE site_id = ?1 AND offer_code = ?3 AND variant = 'treatment' AND visitor_id IN (${holderVisitors})
         ORDER BY first_exposed_at LIMIT 1`,
      )
      .bind(siteId, who, code),
  ]
  if ('visitorId' in holder)
    statements.push(
      db
        .prepare('SELECT person_id FROM visitors WHERE site_id = ?1 AND visitor_id = ?2')
        .bind(siteId, holder.visitorId),
    )
  const [known, exposure, person] = await db.batch(statements)
  const row = exposure!.results[0] as
    | { rule_id: string; visitor_id: string; first_exposed_at: number; ruleset_version: number }
    | undefined
  return {
    isKnown: (known!.results[0] as { known: number }).known === 1,
    exposure: row
      ? {
          ruleId: row.rule_id,
          visitorId: row.visitor_id,
          firstExposedAt: row.first_exposed_at,
          rulesetVersion: row.ruleset_version,
        }
      : null,
    visitorPerson: (person?.results[0] as { person_id: string } | undefined)?.person_id ?? null,
  }
}

/**
 * Marks a code used by a holder; false when it may not be used again. A unique code is used once
 * in all (`isUniqueCode`): a redemption by anyone blocks it. A static code is used once per holder.
 * @example await insertRedemption(env.DB, { siteId, code, holder: 'c:id:cust-42', ruleId, orderId: null, isUniqueCode: true }, Date.now())
 */
export async function insertRedemption(
  db: D1Database,
  redemption: {
    siteId: string
    code: string
    holder: string
    ruleId: string
    orderId: string | null
    isUniqueCode: boolean
  },
  now: number,
): Promise<boolean> {
  const result = await db
    .prepare(
      `INSERT OR IGNORE INTO offer_redemptions (site_id, code, holder, rule_id, order_id, redeemed_at)
       SELECT ?1, ?2, ?3, ?4, ?5, ?6
       WHERE ?7 = 0 OR NOT EXISTS (SELECT 1 FROM offer_redemptions WHERE site_id = ?1 AND code = ?2)`,
    )
    .bind(
      redemption.siteId,
      redemption.code,
      redemption.holder,
      redemption.ruleId,
      redemption.orderId,
      now,
      redemption.isUniqueCode ? 1 : 0,
    )
    .run()
  return result.meta.changes === 1
}

/**
 * Whether the code was already used: by this holder, or (a unique code) by anyone.
 * @example await isRedeemed(env.DB, site.id, 'SPRING5', 'visitor:V1St', false)
 */
export async function isRedeemed(
  db: D1Database,
  siteId: string,
  code: string,
  holder: string,
  isUniqueCode: boolean,
): Promise<boolean> {
  const row = await db
    .prepare(
      'SELECT 1 AS used FROM offer_redemptions WHERE site_id = ?1 AND code = ?2 AND (?4 = 1 OR holder = ?3) LIMIT 1',
    )
    .bind(siteId, code, holder, isUniqueCode ? 1 : 0)
    .first<{ used: number }>()
  return row !== null
}
