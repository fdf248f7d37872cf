import { first, type Sql } from './sql'
import type { CodeLookup, Redemption } from './types'

/**
 * Looks a code up for one holder: whether it was ever served to anyone, and the earliest
 * treatment exposure that served it to the holder's own browsers (a customer's person, or a
 * visitor and whatever person it belongs to). Only the holder's exposures are read, in SQL.
 * @example findCodeForHolder(sql, 'BACK-7K2M9QXA', { visitorId: 'V1St' })
 */
export function findCodeForHolder(
  sql: Sql,
  code: string,
  holder: { visitorId: string } | { personId: string },
): CodeLookup {
  const isKnown =
    first(sql, 'SELECT 1 AS found FROM exposures WHERE offer_code = ?1 LIMIT 1', code) !== undefined
  // `?1` is the visitor or the customer's person.
  const holderVisitors =
    'visitorId' in holder
      ? `SELECT ?1 UNION SELECT visitor_id FROM visitors WHERE person_id = (SELECT person_id FROM visitors WHERE visitor_id = ?1)`
      : 'SELECT visitor_id FROM visitors WHERE person_id = ?1'
  const who = 'visitorId' in holder ? holder.visitorId : holder.personId
  const exposure = first<{
    rule_id: string
    visitor_id: string
    first_exposed_at: number
    ruleset_version: number
  }>(
    sql,
    `SELECT rule_id, visitor_id, first_exposed_at, ruleset_version FROM exposures
     WHERE offer_code = ?2 AND variant = 'treatment' AND visitor_id IN (${holderVisitors})
     ORDER BY first_exposed_at LIMIT 1`,
    who,
    code,
  )
  const visitorPerson =
    'visitorId' in holder
      ? (first<{ person_id: string }>(
          sql,
          'SELECT person_id FROM visitors WHERE visitor_id = ?1',
          holder.visitorId,
        )?.person_id ?? null)
      : null
  return {
    isKnown,
    exposure: exposure
      ? {
          ruleId: exposure.rule_id,
          visitorId: exposure.visitor_id,
          firstExposedAt: exposure.first_exposed_at,
          rulesetVersion: exposure.ruleset_version,
        }
      : null,
    visitorPerson,
  }
}

/**
 * Marks a code used by a holder; false when it may not be used again. A unique code is used once
 * in all (a redemption by anyone blocks it); a static code once per holder.
 * @example redeemCode(sql, { code, holder: 'c:id:cust-42', ruleId, orderId: null, isUniqueCode: true }, Date.now())
 */
export function redeemCode(sql: Sql, redemption: Redemption, now: number): boolean {
  const inserted = sql
    .exec(
      `INSERT OR IGNORE INTO offer_redemptions (code, holder, rule_id, order_id, redeemed_at)
       SELECT ?1, ?2, ?3, ?4, ?5
       WHERE ?6 = 0 OR NOT EXISTS (SELECT 1 FROM offer_redemptions WHERE code = ?1)
       RETURNING code`,
      redemption.code,
      redemption.holder,
      redemption.ruleId,
      redemption.orderId,
      now,
      redemption.isUniqueCode ? 1 : 0,
    )
    .toArray()
  return inserted.length === 1
}

/**
 * Whether the code was already used: by this holder, or (a unique code) by anyone.
 * @example isRedeemed(sql, 'SPRING5', 'visitor:V1St', false)
 */
export function isRedeemed(sql: Sql, code: string, holder: string, isUniqueCode: boolean): boolean {
  return (
    first(
      sql,
      'SELECT 1 AS used FROM offer_redemptions WHERE code = ?1 AND (?3 = 1 OR holder = ?2) LIMIT 1',
      code,
      holder,
      isUniqueCode ? 1 : 0,
    ) !== undefined
  )
}
