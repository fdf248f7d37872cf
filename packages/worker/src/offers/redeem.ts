import type { RedeemReason, RedeemRequest, RedeemResult, Rule } from '@stammis/contract'
import type { Env } from '../env'
import { customerPersonId, isCustomerPerson } from '../identity/customer-key'
import { ledgerFor } from '../ledger/client'
import { findRuleset } from '../rules/queries'
import type { Site } from '../sites/site'
import { offerExpiry } from './codes'

const MESSAGES: Record<RedeemReason, string> = {
  unknown_code: 'No visitor was ever shown this code.',
  not_for_this_visitor: 'This code was shown to someone else.',
  expired: 'This code has expired.',
  already_redeemed:
    'This code was already used (a unique code once in all; a static code once per visitor or customer).',
}

/**
 * The checkout server's check: is this code valid for this visitor or customer, and (unless a dry
 * run) mark it used. The holder is a customer (every browser linked to them: a visitor id that
 * belongs to a customer counts as that customer) or an anonymous visitor. A code is valid for a
 * holder who was served it, before its expiry, and not used up: a unique code is used once in all,
 * a static code once per holder. Only the holder's exposures are looked up, in SQL, by the site's
 * ledger, whose single writer makes the check-then-mark exact.
 * @example await redeemCode(env, site, { code: 'BACK-7K2M9QXA', visitorId: 'V1St', dryRun: false }, Date.now())
 */
export async function redeemCode(
  env: Env,
  site: Site,
  request: RedeemRequest,
  now: number,
): Promise<RedeemResult> {
  const code = request.code.trim().toUpperCase()
  const refuse = (reason: RedeemReason): RedeemResult => ({
    valid: false,
    code,
    reason,
    message: MESSAGES[reason],
  })

  // A customer is held as their person id, so an email address used as customer id is never stored.
  const customerPerson = request.customerId
    ? await customerPersonId(site.codeSecret, request.customerId)
    : null
  const ledger = ledgerFor(env, site.id)
  const lookup = await ledger.findCode(
    code,
    customerPerson ? { personId: customerPerson } : { visitorId: request.visitorId! },
  )
  if (!lookup.isKnown) return refuse('unknown_code')
  const exposure = lookup.exposure
  if (!exposure) return refuse('not_for_this_visitor')

  const rule = await ruleOf(env, site.id, exposure.rulesetVersion, exposure.ruleId)
  const expiry = rule?.offer ? offerExpiry(rule.offer, exposure.firstExposedAt) : null
  if (expiry !== null && now >= expiry) return refuse('expired')

  const holder =
    customerPerson ??
    (isCustomerPerson(lookup.visitorPerson)
      ? lookup.visitorPerson
      : `visitor:${request.visitorId!}`)
  const isUniqueCode = Boolean(rule?.offer?.uniqueCodes)
  if (request.dryRun) {
    if (await ledger.isRedeemed(code, holder, isUniqueCode)) return refuse('already_redeemed')
  } else {
    const isFirstUse = await ledger.redeemCode(
      { code, holder, ruleId: exposure.ruleId, orderId: request.orderId ?? null, isUniqueCode },
      now,
    )
    if (!isFirstUse) return refuse('already_redeemed')
  }
  const {
    uniqueCodes: _config,
    requiresVerified: _verified,
    ...offer
  } = rule?.offer ?? { kind: 'percent' as const, value: 0 }
  return {
    valid: true,
    code,
    ruleId: exposure.ruleId,
    offer: { ...offer, code },
    expiresAt: expiry === null ? null : new Date(expiry).toISOString(),
    redeemed: !request.dryRun,
  }
}

/** The rule as it was when the code was served (a later edit does not change a promise made). */
async function ruleOf(
  env: Env,
  siteId: string,
  version: number,
  ruleId: string,
): Promise<Rule | undefined> {
  const ruleset = await findRuleset(env.DB, siteId, version)
  return ruleset?.rules.find((rule) => rule.id === ruleId)
}
