import {
  constantTimeEqual,
  fromBase64url,
  hmacSha256,
  sha256Hex,
  toBase64url,
  toHex,
  utf8Bytes,
  utf8Text,
} from '../lib/crypto'
import { HOUR_MS, SECOND_MS } from '../lib/days'
import type { VisitorState } from '../segments/classify'

/**
 * The format version, first in every payload. Another version (issue 12's prediction inputs, for
 * one) appends fields and gets its own number; a version this worker does not know is refused, so
 * decide falls back to storage and answers with a token it knows.
 */
export const PROFILE_TOKEN_VERSION = 1

/**
 * How long a token may answer decide without a storage read. Every change that can lower what a
 * person is entitled to (erase, a server correction, an identity split, a key rotation, turning
 * browser trust off) bumps the site's profile epoch, which refuses every older token at once; all
 * that time alone can do to a profile is add purchases made elsewhere, which makes a token's answer
 * less privileged, never more (lapsed is computed at decide time from the last purchase, as storage
 * does). The bound therefore only limits how long such a purchase on another device may go unseen:
 * a day, well above the minutes between a browser's events calls (each answers a fresh token).
 */
export const PROFILE_TOKEN_MAX_AGE_MS = 24 * HOUR_MS

/**
 * How far in the future a token's issue time may lie: tokens are issued by every location's clock,
 * which may run a little ahead of this one. Anything later is refused as forged or broken.
 */
export const PROFILE_TOKEN_CLOCK_SKEW_MS = 60 * SECOND_MS

/** Bytes of the HMAC kept: 128 bits, far past what anyone can guess online. */
const MAC_BYTES = 16

/** Hex characters of the visit tag. A collision only makes a new visit look like the old one (less privileged). */
const VISIT_TAG_LENGTH = 8

/** Who the visitor's person is, as far as a decision needs to know. */
export type TokenIdentity = 'new' | 'anonymous' | 'customer'

/** What a verified token says: the person's counters and the visit it was issued in. */
export type ProfileTokenClaims = {
  version: number
  /** Short hash of the visit id the token was issued in. */
  visitTag: string
  /** The person's counters when issued, as storage held them (the issue visit's purchases included). */
  state: Omit<VisitorState, 'personId'>
  identity: TokenIdentity
  /** Epoch ms, whole seconds (the payload keeps seconds). */
  issuedAt: number
  epoch: number
}

export type ProfileTokenRefusal =
  'malformed' | 'bad_signature' | 'unknown_version' | 'stale_epoch' | 'expired' | 'issued_in_future'

const IDENTITY_CODES: Record<TokenIdentity, number> = { new: 0, anonymous: 1, customer: 2 }
const IDENTITIES: TokenIdentity[] = ['new', 'anonymous', 'customer']

// Visit flags, one bit each: seen by storage, has a counted purchase, has a verified purchase.
const SEEN = 1
const PURCHASE = 2
const VERIFIED_PURCHASE = 4

const derivedKeys = new Map<string, Promise<string>>()

/**
 * The per-site token key, derived from the site's code secret (never the secret itself, so a token
 * MAC can never double as an offer code or a preview signature). Cached per isolate.
 */
function tokenKey(codeSecret: string): Promise<string> {
  let key = derivedKeys.get(codeSecret)
  if (!key) {
    if (derivedKeys.size >= 10_000) derivedKeys.clear()
    key = hmacSha256(codeSecret, 'profile-token:v1').then(toHex)
    derivedKeys.set(codeSecret, key)
  }
  return key
}

/**
 * The MAC covers the payload and the visitor id: a token verifies only for the visitor it was
 * issued to, without spending a byte of the payload on the id.
 */
async function mac(codeSecret: string, payload: string, visitorId: string): Promise<string> {
  const full = await hmacSha256(await tokenKey(codeSecret), `${payload}.${visitorId}`)
  return toBase64url(full.slice(0, MAC_BYTES))
}

/**
 * The visit tag of a visit id: what a token keeps to tell "same visit" from "a new visit".
 * @example await visitTag('k3J9x') // 8 hex characters
 */
export async function visitTag(visitId: string): Promise<string> {
  return (await sha256Hex(visitId)).slice(0, VISIT_TAG_LENGTH)
}

function identityOf(visitorId: string, personId: string | null): TokenIdentity {
  if (personId === null) return 'new'
  return personId === visitorId ? 'anonymous' : 'customer'
}

/**
 * A signed profile token for a visitor, from the state storage just gave for one of its visits.
 * @example const token = await issueProfileToken({ codeSecret: site.codeSecret, visitorId, visitId, state, epoch: site.profileEpoch, now })
 */
export async function issueProfileToken(input: {
  codeSecret: string
  visitorId: string
  visitId: string
  state: VisitorState
  epoch: number
  now: number
}): Promise<string> {
  const { state } = input
  const flags =
    (state.currentVisitHasPurchase === null ? 0 : SEEN) |
    (state.currentVisitHasPurchase ? PURCHASE : 0) |
    (state.currentVisitHasVerifiedPurchase ? VERIFIED_PURCHASE : 0)
  const fields = [
    PROFILE_TOKEN_VERSION,
    await visitTag(input.visitId),
    flags,
    state.visits,
    state.orders,
    state.purchaseVisits,
    state.revenueMicros,
    state.lastPurchaseAt ?? -1,
    state.verifiedPurchaseVisits,
    state.verifiedOrders,
    state.verifiedRevenueMicros,
    state.verifiedLastPurchaseAt ?? -1,
    IDENTITY_CODES[identityOf(input.visitorId, state.personId)],
    Math.floor(input.now / SECOND_MS),
    input.epoch,
  ]
  return signedToken(input.codeSecret, input.visitorId, fields)
}

/**
 * A token of any fields, signed for the visitor with the site's token key: how every token is
 * made (tests sign edited fields with it, which only someone holding the key could do).
 * @example await signedToken(site.codeSecret, 'V1St', [1, 'a1b2c3d4', 1, 1, 0, 0, 0, -1, 0, 0, 0, -1, 0, 1767225600, 0])
 */
export async function signedToken(
  codeSecret: string,
  visitorId: string,
  fields: readonly unknown[],
): Promise<string> {
  const payload = toBase64url(utf8Bytes(JSON.stringify(fields)))
  return `${payload}.${await mac(codeSecret, payload, visitorId)}`
}

function isCount(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0
}

function isTime(value: unknown): value is number {
  return value === -1 || isCount(value)
}

/** The claims of a version-1 payload, or null when any field is out of shape. */
function parseV1(fields: unknown[]): ProfileTokenClaims | null {
  if (fields.length !== 15) return null
  const [, tag, flags, visits, orders, pv, revenue, last, vpv, vOrders, vRevenue, vLast] = fields
  const [identity, issuedAt, epoch] = fields.slice(12)
  if (typeof tag !== 'string' || tag.length !== VISIT_TAG_LENGTH) return null
  if (!isCount(flags) || flags > 7 || !isCount(identity) || identity >= IDENTITIES.length)
    return null
  const counts = [visits, orders, pv, revenue, vpv, vOrders, vRevenue, issuedAt, epoch]
  if (!counts.every(isCount) || !isTime(last) || !isTime(vLast)) return null
  const seen = (flags & SEEN) !== 0
  return {
    version: 1,
    visitTag: tag,
    state: {
      visits: visits as number,
      orders: orders as number,
      purchaseVisits: pv as number,
      revenueMicros: revenue as number,
      lastPurchaseAt: last === -1 ? null : last,
      verifiedPurchaseVisits: vpv as number,
      verifiedOrders: vOrders as number,
      verifiedRevenueMicros: vRevenue as number,
      verifiedLastPurchaseAt: vLast === -1 ? null : vLast,
      currentVisitHasPurchase: seen ? (flags & PURCHASE) !== 0 : null,
      currentVisitHasVerifiedPurchase: (flags & VERIFIED_PURCHASE) !== 0,
    },
    identity: IDENTITIES[identity]!,
    issuedAt: (issuedAt as number) * SECOND_MS,
    epoch: epoch as number,
  }
}

/**
 * The claims of a token that is valid for this visitor now, or why it is refused: the MAC (checked
 * first, in constant time, so nothing unsigned is even parsed), a known version, the site's
 * current profile epoch, and an issue time within `PROFILE_TOKEN_MAX_AGE_MS` and not ahead by more
 * than `PROFILE_TOKEN_CLOCK_SKEW_MS`. A refused token is ignored: decide reads storage.
 * @example const checked = await verifyProfileToken({ codeSecret, visitorId, token, epoch: site.profileEpoch, now })
 */
export async function verifyProfileToken(input: {
  codeSecret: string
  visitorId: string
  token: string
  epoch: number
  now: number
}): Promise<{ claims: ProfileTokenClaims } | { error: ProfileTokenRefusal }> {
  const parts = input.token.split('.')
  if (parts.length !== 2 || !parts[0] || !parts[1]) return { error: 'malformed' }
  const [payload, signature] = parts as [string, string]
  const expected = await mac(input.codeSecret, payload, input.visitorId)
  if (!constantTimeEqual(expected, signature)) return { error: 'bad_signature' }

  let fields: unknown
  try {
    fields = JSON.parse(utf8Text(fromBase64url(payload)))
  } catch {
    return { error: 'malformed' }
  }
  if (!Array.isArray(fields) || !isCount(fields[0])) return { error: 'malformed' }
  if (fields[0] !== PROFILE_TOKEN_VERSION) return { error: 'unknown_version' }
  const claims = parseV1(fields)
  if (!claims) return { error: 'malformed' }
  if (claims.epoch !== input.epoch) return { error: 'stale_epoch' }
  if (claims.issuedAt > input.now + PROFILE_TOKEN_CLOCK_SKEW_MS)
    return { error: 'issued_in_future' }
  if (input.now - claims.issuedAt > PROFILE_TOKEN_MAX_AGE_MS) return { error: 'expired' }
  return { claims }
}
