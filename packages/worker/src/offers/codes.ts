import type { Offer, ServedOffer } from '@stammis/contract'

const DAY_MS = 86_400_000
// Crockford's base32 without I, L, O, U: codes people read aloud or type from an email.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'
const CODE_LENGTH = 8

const keys = new Map<string, Promise<CryptoKey>>()

function hmacKey(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret)
  if (!key) {
    key = crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
    keys.set(secret, key)
  }
  return key
}

/** HMAC-SHA256 of a message with the site's code secret. */
export async function hmac(secret: string, message: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.sign('HMAC', await hmacKey(secret), new TextEncoder().encode(message)))
}

/**
 * A visitor's own code for a rule: derived, not stored, so it is the same on every visit and from
 * every isolate without a write on the critical path. Only someone holding the site's code secret
 * can produce a valid one.
 * @example await uniqueCode('secret', 'BACK', 'hero-returning', 'V1StGXR8') // 'BACK-7K2M9QXA'
 */
export async function uniqueCode(secret: string, prefix: string, ruleId: string, visitorId: string): Promise<string> {
  const digest = await hmac(secret, `offer:${ruleId}:${visitorId}`)
  let code = ''
  for (let i = 0; i < CODE_LENGTH; i++) code += ALPHABET[digest[i]! % 32]
  return prefix ? `${prefix}-${code}` : code
}

/**
 * The offer as this visitor is served it: a unique code resolved to theirs and its expiry set to
 * `validDays` after it was first shown (never past the offer's own `expiresAt`).
 * @example await servedOffer(rule.offer, site.codeSecret, rule.id, visitorId, firstShownAt)
 */
export async function servedOffer(offer: Offer, secret: string, ruleId: string, visitorId: string, firstShownAt: number): Promise<ServedOffer> {
  const { uniqueCodes, requiresVerified: _verified, ...rest } = offer
  if (!uniqueCodes) return rest
  const code = await uniqueCode(secret, uniqueCodes.prefix, ruleId, visitorId)
  return { ...rest, code, expiresAt: new Date(offerExpiry(offer, firstShownAt)!).toISOString() }
}

/** When an offer served first at `firstShownAt` stops being valid (null: never). */
export function offerExpiry(offer: Offer, firstShownAt: number): number | null {
  const fixed = offer.expiresAt ? Date.parse(offer.expiresAt) : Infinity
  const own = offer.uniqueCodes ? firstShownAt + offer.uniqueCodes.validDays * DAY_MS : Infinity
  const expiry = Math.min(fixed, own)
  return expiry === Infinity ? null : expiry
}
