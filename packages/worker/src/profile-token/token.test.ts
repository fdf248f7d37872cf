import { describe, expect, it } from 'vitest'
import { tokenFields, withFields } from '../../test/profile-tokens'
import {
  EMPTY_VISITOR,
  toProfile,
  toVerifiedProfile,
  type VisitorState,
} from '../segments/classify'
import { profileFromToken, TOKEN_CUSTOMER_PERSON } from './derive'
import {
  issueProfileToken,
  PROFILE_TOKEN_CLOCK_SKEW_MS,
  PROFILE_TOKEN_MAX_AGE_MS,
  signedToken,
  verifyProfileToken,
  visitTag,
} from './token'

const secret = 'code-secret-of-the-site'
const now = Date.parse('2026-11-29T12:00:00Z')

const buyer: VisitorState = {
  personId: 'V1',
  visits: 3,
  orders: 2,
  purchaseVisits: 2,
  revenueMicros: 59_900_000,
  lastPurchaseAt: now - 5_000,
  verifiedPurchaseVisits: 1,
  verifiedOrders: 1,
  verifiedRevenueMicros: 20_000_000,
  verifiedLastPurchaseAt: now - 86_400_000,
  currentVisitHasPurchase: true,
  currentVisitHasVerifiedPurchase: false,
}

function issue(
  state: VisitorState,
  overrides: Partial<{ visitorId: string; epoch: number; at: number }> = {},
) {
  return issueProfileToken({
    codeSecret: secret,
    visitorId: overrides.visitorId ?? 'V1',
    visitId: 's1',
    state,
    epoch: overrides.epoch ?? 4,
    now: overrides.at ?? now,
  })
}

function verify(
  token: string,
  overrides: Partial<{ visitorId: string; epoch: number; at: number; secret: string }> = {},
) {
  return verifyProfileToken({
    codeSecret: overrides.secret ?? secret,
    visitorId: overrides.visitorId ?? 'V1',
    token,
    epoch: overrides.epoch ?? 4,
    now: overrides.at ?? now,
  })
}

/** Re-signs an edited payload the way only the worker can: what a leaked key would allow. */
const resign = (fields: unknown[], visitorId = 'V1') => signedToken(secret, visitorId, fields)

describe('profile token', () => {
  it('round-trips the state for its visitor, epoch and time', async () => {
    const token = await issue(buyer)
    const checked = await verify(token)
    expect(checked).toEqual({
      claims: {
        version: 1,
        visitTag: await visitTag('s1'),
        state: (({ personId: _, ...rest }) => rest)(buyer),
        identity: 'anonymous',
        issuedAt: now,
        epoch: 4,
      },
    })
  })

  it('stays under 300 bytes with the largest values every field can hold', async () => {
    const max = Number.MAX_SAFE_INTEGER
    const token = await issueProfileToken({
      codeSecret: secret,
      visitorId: 'x'.repeat(64),
      visitId: 'y'.repeat(64),
      state: {
        personId: 'c:id:' + 'z'.repeat(200),
        visits: max,
        orders: max,
        purchaseVisits: max,
        revenueMicros: max,
        lastPurchaseAt: 8.64e15,
        verifiedPurchaseVisits: max,
        verifiedOrders: max,
        verifiedRevenueMicros: max,
        verifiedLastPurchaseAt: 8.64e15,
        currentVisitHasPurchase: true,
        currentVisitHasVerifiedPurchase: true,
      },
      epoch: max,
      now: 8.64e15,
    })
    expect(new TextEncoder().encode(token).length).toBeLessThan(300)
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/)
  })

  it('refuses a token of another visitor, another site or a forged MAC', async () => {
    const token = await issue(buyer)
    expect(await verify(token, { visitorId: 'V2' })).toEqual({ error: 'bad_signature' })
    expect(await verify(token, { secret: 'another-site' })).toEqual({ error: 'bad_signature' })
    const [payload] = token.split('.')
    expect(await verify(`${payload}.${'A'.repeat(22)}`)).toEqual({ error: 'bad_signature' })
  })

  it('refuses an edited payload: more purchase visits under the old MAC', async () => {
    const token = await issue(buyer)
    const fields = tokenFields(token)
    fields[5] = 9
    const edited = withFields(token, fields)
    expect(await verify(edited)).toEqual({ error: 'bad_signature' })
  })

  it('refuses malformed tokens without throwing', async () => {
    for (const token of ['', '.', 'abc', 'a.b.c', '!!!.???', `${'a'.repeat(10)}.`])
      expect(await verify(token)).toEqual({
        error: expect.stringMatching(/malformed|bad_signature/),
      })
    // Signed but out of shape: the MAC is not the only check.
    expect(await verify(await resign(['nope']))).toEqual({ error: 'malformed' })
    const fields = tokenFields(await issue(buyer))
    expect(await verify(await resign([...fields.slice(0, 3), -5, ...fields.slice(4)]))).toEqual({
      error: 'malformed',
    })
    expect(await verify(await resign(fields.slice(0, 14)))).toEqual({ error: 'malformed' })
  })

  it('refuses an unknown version (a newer worker format), which sends decide to storage', async () => {
    const fields = tokenFields(await issue(buyer))
    expect(await verify(await resign([2, ...fields.slice(1)]))).toEqual({
      error: 'unknown_version',
    })
  })

  it('refuses a token from another profile epoch', async () => {
    expect(await verify(await issue(buyer), { epoch: 5 })).toEqual({ error: 'stale_epoch' })
    expect(await verify(await issue(buyer, { epoch: 5 }))).toEqual({ error: 'stale_epoch' })
  })

  it('is valid for PROFILE_TOKEN_MAX_AGE_MS, then expired', async () => {
    const token = await issue(buyer)
    expect(await verify(token, { at: now + PROFILE_TOKEN_MAX_AGE_MS })).toHaveProperty('claims')
    expect(await verify(token, { at: now + PROFILE_TOKEN_MAX_AGE_MS + 1000 })).toEqual({
      error: 'expired',
    })
  })

  it('allows a little clock skew, but refuses a token issued in the future', async () => {
    const ahead = await issue(buyer, { at: now + PROFILE_TOKEN_CLOCK_SKEW_MS })
    expect(await verify(ahead)).toHaveProperty('claims')
    const future = await issue(buyer, { at: now + PROFILE_TOKEN_CLOCK_SKEW_MS + 1000 })
    expect(await verify(future)).toEqual({ error: 'issued_in_future' })
  })
})

describe('profileFromToken', () => {
  async function claimsOf(state: VisitorState, visitorId = 'V1') {
    const checked = await verify(await issue(state, { visitorId }), { visitorId })
    if (!('claims' in checked)) throw new Error(checked.error)
    return checked.claims
  }

  it('in the visit it was issued in, is the state storage gave (a purchase there not yet counted)', async () => {
    const state = await profileFromToken(await claimsOf(buyer), 'V1', 's1')
    expect(state).toEqual(buyer)
    expect(toProfile('V1', state, now, 90)).toEqual(toProfile('V1', buyer, now, 90))
    expect(toProfile('V1', state, now, 90)).toMatchObject({ segment: 'returning', visits: 3 })
  })

  it('in a new visit, counts the token visit purchase and the new visit, as storage would', async () => {
    const state = await profileFromToken(await claimsOf(buyer), 'V1', 's2')
    // What storage holds once visit s2 is unseen: the same counters, the visit unknown.
    const storage: VisitorState = {
      ...buyer,
      currentVisitHasPurchase: null,
      currentVisitHasVerifiedPurchase: false,
    }
    expect(state).toEqual(storage)
    expect(toProfile('V1', state, now, 90)).toMatchObject({ segment: 'repeat', visits: 4 })
    expect(toVerifiedProfile('V1', state, now, 90)).toEqual(
      toVerifiedProfile('V1', storage, now, 90),
    )
  })

  it('keeps an unseen issue visit unseen, and knows a new visitor and a customer', async () => {
    const fresh = await profileFromToken(await claimsOf(EMPTY_VISITOR), 'V1', 's1')
    expect(fresh).toEqual(EMPTY_VISITOR)
    const customer = await profileFromToken(
      await claimsOf({ ...buyer, personId: 'c:id:cust-42' }),
      'V1',
      's2',
    )
    expect(customer.personId).toBe(TOKEN_CUSTOMER_PERSON)
  })
})
