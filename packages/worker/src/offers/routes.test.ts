import type { DecideResponse } from '@stammis/contract'
import { describe, expect, it } from 'vitest'
import {
  adminFetch,
  createTestSite,
  eventId,
  identitySigner,
  postJson,
  publishRules,
  type ErrorJson,
  type TestSite,
} from '../../test/helpers'
import { siteRow, siteRows } from '../../test/ledger'

const DAY = 86_400_000
const uniqueRule = {
  id: 'back',
  slot: 'hero',
  status: 'live',
  content: { type: 'text', value: 'Hi' },
  offer: { kind: 'percent', value: 10, uniqueCodes: { prefix: 'BACK', validDays: 30 } },
}
const staticRule = {
  id: 'banner',
  slot: 'banner',
  status: 'live',
  content: { type: 'text', value: 'Sale' },
  offer: { kind: 'amount', value: 5, code: 'Spring5' },
}

async function decide(site: TestSite, visitorId: string, visitId = 's1'): Promise<DecideResponse> {
  const response = await postJson('/v1/decide', {
    site: site.publicKey,
    visitorId,
    visitId,
    slots: ['hero', 'banner'],
  })
  return (await response.json()) as DecideResponse
}

async function redeem(site: TestSite, body: object): Promise<Record<string, unknown>> {
  const response = await adminFetch('/v1/admin/offers/redeem', site.secretKey, {
    method: 'POST',
    body: JSON.stringify(body),
  })
  expect(response.status).toBe(200)
  return (await response.json()) as Record<string, unknown>
}

/** Waits until the exposure (written after the response) holds the code. */
async function codeRecorded(site: TestSite, code: string): Promise<void> {
  await expect
    .poll(
      async () =>
        (
          await siteRow<{ n: number }>(
            site.siteId,
            'SELECT count(*) AS n FROM exposures WHERE offer_code = ?1',
            code.toUpperCase(),
          )
        )?.n,
    )
    .toBe(1)
}

describe('unique offer codes', () => {
  it('gives each visitor a code of their own, the same on every visit, expiring from first sight', async () => {
    const site = await createTestSite()
    await publishRules(site, [uniqueRule])
    const first = await decide(site, 'alice')
    const code = first.decisions.hero?.offer?.code
    expect(code).toMatch(/^BACK-[0-9A-Z]{8}$/)
    await codeRecorded(site, code!)
    const later = await decide(site, 'alice', 's2')
    expect(later.decisions.hero?.offer?.code).toBe(code)
    expect(later.decisions.hero?.offer?.expiresAt).toBe(first.decisions.hero?.offer?.expiresAt)
    const expiresIn = Date.parse(first.decisions.hero!.offer!.expiresAt!) - Date.now()
    expect(expiresIn).toBeGreaterThan(29 * DAY)
    expect(expiresIn).toBeLessThanOrEqual(30 * DAY)
    expect((await decide(site, 'bob')).decisions.hero?.offer?.code).not.toBe(code)
  })
})

describe('unique codes right after they are first published', () => {
  it('keeps the expiry from first sight, even when decide did not expect unique codes', async () => {
    const site = await createTestSite()
    await publishRules(site, [{ ...uniqueRule, offer: { kind: 'percent', value: 10 } }])
    // This decide teaches the isolate that the site hands out no unique codes...
    expect((await decide(site, 'early')).decisions.hero?.offer?.code).toBeUndefined()
    await publishRules(site, [uniqueRule])
    // ...so the first decide after the publish looks the exposure times up separately.
    const first = await decide(site, 'early', 's2')
    await codeRecorded(site, first.decisions.hero!.offer!.code!)
    const firstShown = await siteRow<{ first_exposed_at: number }>(
      site.siteId,
      "SELECT first_exposed_at FROM exposures WHERE visitor_id = 'early'",
    )
    // The visitor was first shown the rule before its offer had a unique code: the code's validity
    // runs from that first sight, in both paths.
    const later = await decide(site, 'early', 's3')
    expect(later.decisions.hero?.offer).toEqual(first.decisions.hero?.offer)
    expect(Date.parse(first.decisions.hero!.offer!.expiresAt!)).toBe(
      firstShown!.first_exposed_at + 30 * DAY,
    )
  })
})

describe('POST /v1/admin/offers/redeem', () => {
  it('accepts a unique code once, for its own visitor only', async () => {
    const site = await createTestSite()
    await publishRules(site, [uniqueRule])
    const code = (await decide(site, 'alice')).decisions.hero!.offer!.code!
    await codeRecorded(site, code)

    expect(await redeem(site, { code, visitorId: 'mallory' })).toMatchObject({
      valid: false,
      reason: 'not_for_this_visitor',
    })
    expect(await redeem(site, { code, visitorId: 'alice', dryRun: true })).toMatchObject({
      valid: true,
      redeemed: false,
    })
    expect(
      await redeem(site, { code: code.toLowerCase(), visitorId: 'alice', orderId: 'A-1' }),
    ).toMatchObject({
      valid: true,
      redeemed: true,
      ruleId: 'back',
      offer: { kind: 'percent', value: 10, code },
    })
    expect(await redeem(site, { code, visitorId: 'alice' })).toMatchObject({
      valid: false,
      reason: 'already_redeemed',
    })
    expect(await redeem(site, { code, visitorId: 'alice', dryRun: true })).toMatchObject({
      valid: false,
      reason: 'already_redeemed',
    })
  })

  it('accepts a static code once per visitor who was shown it', async () => {
    const site = await createTestSite()
    await publishRules(site, [staticRule])
    await decide(site, 'alice')
    await decide(site, 'bob')
    await expect
      .poll(
        async () =>
          (await redeem(site, { code: 'spring5', visitorId: 'alice', dryRun: true })).valid,
      )
      .toBe(true)
    expect(await redeem(site, { code: 'SPRING5', visitorId: 'alice' })).toMatchObject({
      valid: true,
    })
    expect(await redeem(site, { code: 'SPRING5', visitorId: 'bob' })).toMatchObject({ valid: true })
    expect(await redeem(site, { code: 'SPRING5', visitorId: 'alice' })).toMatchObject({
      valid: false,
      reason: 'already_redeemed',
    })
    expect(await redeem(site, { code: 'SPRING5', visitorId: 'carol' })).toMatchObject({
      valid: false,
      reason: 'not_for_this_visitor',
    })
  })

  it('finds the visitor of an identified customer', async () => {
    const site = await createTestSite()
    await publishRules(site, [uniqueRule])
    await postJson('/v1/events', {
      site: site.publicKey,
      visitorId: 'phone',
      visitId: 's',
      events: [{ id: eventId(), ...(await identitySigner(site)('cust-9')) }],
    })
    const code = (await decide(site, 'phone')).decisions.hero!.offer!.code!
    await codeRecorded(site, code)
    expect(await redeem(site, { code, customerId: 'cust-9' })).toMatchObject({ valid: true })
    expect(await redeem(site, { code, customerId: 'cust-other' })).toMatchObject({
      valid: false,
      reason: 'not_for_this_visitor',
    })
  })

  it('refuses unknown and expired codes', async () => {
    const site = await createTestSite()
    await publishRules(site, [uniqueRule])
    expect(await redeem(site, { code: 'BACK-NOPE1234', visitorId: 'alice' })).toMatchObject({
      valid: false,
      reason: 'unknown_code',
    })
    const code = (await decide(site, 'alice')).decisions.hero!.offer!.code!
    await codeRecorded(site, code)
    await siteRows(site.siteId, 'UPDATE exposures SET first_exposed_at = ?1', Date.now() - 31 * DAY)
    expect(await redeem(site, { code, visitorId: 'alice' })).toMatchObject({
      valid: false,
      reason: 'expired',
    })
  })

  it('never issues a code to the control group', async () => {
    const site = await createTestSite()
    await publishRules(site, [{ ...uniqueRule, holdoutPercent: 50 }])
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => decide(site, `v${i}`)))
    const variants = answers.map((answer) => answer.decisions.hero!.variant)
    expect(variants).toContain('control')
    for (const answer of answers) {
      const hero = answer.decisions.hero!
      if (hero.variant === 'control') expect(hero.offer).toBeNull()
      else expect(hero.offer?.code).toMatch(/^BACK-/)
    }
  })

  it('400 without a visitor or customer', async () => {
    const site = await createTestSite()
    const response = await adminFetch('/v1/admin/offers/redeem', site.secretKey, {
      method: 'POST',
      body: JSON.stringify({ code: 'X' }),
    })
    expect(response.status).toBe(400)
    expect(((await response.json()) as ErrorJson).error.code).toBe('invalid_request')
  })
})
