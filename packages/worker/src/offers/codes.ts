import type { Offer, ServedOffer } from '@stammis/contract'
import { isCustomerPerson } from '../identity/customer-key'
import { hmacSha256 } from '../lib/crypto'
import { DAY_MS } from '../lib/days'

// Crockford's base32 without I, L, O, U: codes people read aloud or type from an email.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'
const CODE_LENGTH = 8

/**
 * Whom unique codes belong to: a customer whose identity is verified (their person id, shared by
 * all their browsers, so clearing cookies mints no new code), else the visitor.
 * @example uniqueCodeHolder('V1St', 'c:id:cust-42') // 'c:id:cust-42'
 * @example uniqueCodeHolder('V1St', 'V1St') // 'V1St'
 */
export function uniqueCodeHolder(visitorId: string, personId: string | null): string {
  return isCustomerPerson(personId) ? personId : visitorId
}

/**
 * A holder's own code for a rule: derived, not stored, so it is the same on every visit and from
 * every isolate without a write on the critical path. Only someone holding the site's code secret
 * can produce a valid one.
 * @example await uniqueCode('secret', 'BACK', 'hero-returning', 'V1StGXR8') // 'BACK-7K2M9QXA'
 */
export async function uniqueCode(
  secret: string,
  prefix: string,
  ruleId: string,
  holder: string,
): Promise<string> {
  const digest = await hmacSha256(secret, `offer:${ruleId}:${holder}`)
  let code = ''
  for (let i = 0; i < CODE_LENGTH; i++) code += ALPHABET[digest[i]! % 32]
  return prefix ? `${prefix}-${code}` : code
}

/**
 * The offer as it is served: a unique code resolved to the holder's (see `uniqueCodeHolder`) and
 * its expiry set to `validDays` after it was first shown (never past the offer's own `expiresAt`).
 * @example await servedOffer(rule.offer, site.codeSecret, rule.id, uniqueCodeHolder(visitorId, personId), firstShownAt)
 */
export async function servedOffer(
  offer: Offer,
  secret: string,
  ruleId: string,
  holder: string,
  firstShownAt: number,
): Promise<ServedOffer> {
  const { uniqueCodes, requiresVerified: _verified, ...rest } = offer
  if (!uniqueCodes) return rest
  const code = await uniqueCode(secret, uniqueCodes.prefix, ruleId, holder)
  return { ...rest, code, expiresAt: new Date(offerExpiry(offer, firstShownAt)!).toISOString() }
}

/** When an offer served first at `firstShownAt` stops being valid (null: never). */
export function offerExpiry(offer: Offer, firstShownAt: number): number | null {
  const fixed = offer.expiresAt ? Date.parse(offer.expiresAt) : Infinity
  const own = offer.uniqueCodes ? firstShownAt + offer.uniqueCodes.validDays * DAY_MS : Infinity
  const expiry = Math.min(fixed, own)
  return expiry === Infinity ? null : expiry
}
