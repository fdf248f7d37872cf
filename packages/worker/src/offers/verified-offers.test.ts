import type { DecideResponse } from '@stammis/contract'
import { describe, expect, it } from 'vitest'
import {
  adminFetch,
  createTestSite,
  eventId,
  identitySigner,
  postJson,
  publishRules,
  type TestSite,
} from '../../test/helpers'
import { siteRow, siteRows } from '../../test/ledger'

const DAY = 86_400_000

async function send(
  site: TestSite,
  visitorId: string,
  visitId: string,
  events: object[],
): Promise<void> {
  const response = await postJson('/v1/events', {
    site: site.publicKey,
    visitorId,
    visitId,
    events: events.map((event) => ({ id: eventId(), ...event })),
  })
  expect(response.status).toBe(200)
}

async function decide(
  site: TestSite,
  visitorId: string,
  visitId = `v-${eventId()}`,
): Promise<DecideResponse> {
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

async function codeRecorded(site: TestSite, visitorId: string, code: string): Promise<void> {
  await expect
    .poll(
      async () =>
        (
          await siteRow<{ offer_code: string }>(
            site.siteId,
            'SELECT offer_code FROM exposures WHERE visitor_id = ?1',
            visitorId,
          )
        )?.offer_code,
    )
    .toBe(code)
}

/** Two browser-reported purchases in two visits: repeat, as far as the browser says. */
async function fakeRepeat(site: TestSite, visitorId: string): Promise<void> {
  await send(site, visitorId, 'f1', [
    { type: 'visit' },
    { type: 'purchase', orderId: `${visitorId}-1`, revenue: 0, currency: 'USD' },
  ])
  await send(site, visitorId, 'f2', [
    { type: 'visit' },
    { type: 'purchase', orderId: `${visitorId}-2`, revenue: 0, currency: 'USD' },
  ])
}

async function serverConfirms(
  site: TestSite,
  orders: { orderId: string; visitorId: string; revenue: number }[],
): Promise<void> {
  const response = await adminFetch('/v1/admin/orders', site.secretKey, {
    method: 'POST',
    body: JSON.stringify({
      orders: orders.map((order) => ({
        ...order,
        currency: 'USD',
        placedAt: new Date(Date.now() - 60_000).toISOString(),
      })),
    }),
  })
  expect(response.status).toBe(200)
}

describe('coded offers match on verified purchases by default', () => {
  it('serves a code once the server confirms the purchases, and on every condition, not just the segment', async () => {
    const site = await createTestSite()
    await publishRules(site, [
      {
        id: 'two-orders-code',
        slot: 'hero',
        status: 'live',
        priority: 5,
        when: { minOrders: 2, minRevenue: 50 },
        offer: { kind: 'percent', value: 15, code: 'TWICE15' },
      },
      {
        id: 'two-orders-thanks',
        slot: 'hero',
        status: 'live',
        when: { minOrders: 2 },
        content: { type: 'text', value: 'Thanks!' },
      },
      {
        id: 'no-code-offer',
        slot: 'banner',
        status: 'live',
        when: { segments: ['repeat'] },
        offer: { kind: 'free_shipping', value: 0 },
      },
    ])
    await fakeRepeat(site, 'v')
    const before = await decide(site, 'v')
    expect(before.decisions.hero?.ruleId).toBe('two-orders-thanks')
    // An offer without a code follows the browser's purchases.
    expect(before.decisions.banner?.ruleId).toBe('no-code-offer')

    // One purchase confirmed: verified orders are 1, the code still waits.
    await serverConfirms(site, [{ orderId: 'v-1', visitorId: 'v', revenue: 60 }])
    expect((await decide(site, 'v')).decisions.hero?.ruleId).toBe('two-orders-thanks')
    await serverConfirms(site, [{ orderId: 'v-2', visitorId: 'v', revenue: 0 }])
    expect((await decide(site, 'v')).decisions.hero).toMatchObject({
      ruleId: 'two-orders-code',
      offer: { code: 'TWICE15' },
    })
  })

  it("serves a rule's content without its code on browser-reported purchases, never the new visitors' code instead", async () => {
    const site = await createTestSite()
    await publishRules(site, [
      {
        id: 'new',
        slot: 'hero',
        status: 'live',
        when: { segments: ['shopper'] },
        content: { type: 'text', value: 'New here?' },
        offer: { kind: 'free_shipping', value: 0, code: 'WELCOME' },
      },
      {
        id: 'back',
        slot: 'hero',
        status: 'live',
        when: { segments: ['returning'] },
        content: { type: 'text', value: 'Welcome back!' },
        offer: { kind: 'percent', value: 10, code: 'THANKS10' },
      },
    ])
    await send(site, 'v', 'p1', [
      { type: 'visit' },
      { type: 'purchase', orderId: 'b-1', revenue: 25, currency: 'USD' },
    ])
    const browserOnly = await decide(site, 'v', 'p2')
    expect(browserOnly.decisions.hero).toEqual({
      ruleId: 'back',
      variant: 'treatment',
      content: { type: 'text', value: 'Welcome back!' },
      offer: null,
    })
    // No code was recorded as served.
    await expect
      .poll(
        async () =>
          (await siteRow(
            site.siteId,
            "SELECT count(*) AS n, max(offer_code) AS code FROM exposures WHERE visitor_id = 'v'",
          ))!,
      )
      .toEqual({ n: 1, code: null })

    await serverConfirms(site, [{ orderId: 'b-1', visitorId: 'v', revenue: 25 }])
    expect((await decide(site, 'v', 'p2')).decisions.hero).toMatchObject({
      ruleId: 'back',
      offer: { code: 'THANKS10' },
    })
  })

  it('serves a code on browser purchases when the rule opts out with requiresVerified: false', async () => {
    const site = await createTestSite()
    await publishRules(site, [
      {
        id: 'loose',
        slot: 'hero',
        status: 'live',
        when: { segments: ['repeat'] },
        offer: { kind: 'percent', value: 5, code: 'LOOSE5', requiresVerified: false },
      },
    ])
    await fakeRepeat(site, 'v')
    expect((await decide(site, 'v')).decisions.hero).toMatchObject({
      ruleId: 'loose',
      offer: { code: 'LOOSE5' },
    })
  })
})

describe('unique codes of a verified customer', () => {
  const rule = {
    id: 'back',
    slot: 'hero',
    status: 'live',
    when: { segments: ['returning', 'repeat'] },
    offer: { kind: 'percent', value: 10, uniqueCodes: { prefix: 'BACK', validDays: 30 } },
  }

  async function customerWithHistory(site: TestSite): Promise<void> {
    const response = await adminFetch('/v1/admin/orders?source=import', site.secretKey, {
      method: 'POST',
      body: JSON.stringify({
        orders: [
          {
            orderId: 'h-1',
            customerId: 'cust-u',
            revenue: 20,
            currency: 'USD',
            placedAt: '2026-01-10T10:00:00Z',
          },
        ],
      }),
    })
    expect(response.status).toBe(200)
  }

  it("is the customer's on every browser: clearing cookies mints nothing new, nor restarts its validity", async () => {
    const site = await createTestSite()
    const signedIdentify = identitySigner(site)
    await publishRules(site, [rule])
    await customerWithHistory(site)

    await send(site, 'phone', 'p1', [await signedIdentify('cust-u')])
    const phone = (await decide(site, 'phone')).decisions.hero!.offer!
    expect(phone.code).toMatch(/^BACK-/)
    await codeRecorded(site, 'phone', phone.code!)
    await siteRows(
      site.siteId,
      "UPDATE exposures SET first_exposed_at = first_exposed_at - ?1 WHERE visitor_id = 'phone'",
      5 * DAY,
    )

    // Cookies cleared: a new browser is nobody until it signs in (and gets no code before).
    expect((await decide(site, 'fresh')).decisions.hero).toBeNull()
    await send(site, 'fresh', 'f1', [await signedIdentify('cust-u')])
    const fresh = (await decide(site, 'fresh')).decisions.hero!.offer!
    expect(fresh.code).toBe(phone.code)
    // Valid from the customer's first sight of it, on the phone five days ago.
    expect(Date.parse(fresh.expiresAt!)).toBeLessThanOrEqual(Date.now() + 25 * DAY + 60_000)
  })

  it('is used once in all, whichever browser or id redeems it; a dry run says so too', async () => {
    const site = await createTestSite()
    const signedIdentify = identitySigner(site)
    await publishRules(site, [rule])
    await customerWithHistory(site)
    await send(site, 'phone', 'p1', [await signedIdentify('cust-u')])
    await send(site, 'laptop', 'l1', [await signedIdentify('cust-u')])
    const code = (await decide(site, 'phone')).decisions.hero!.offer!.code!
    expect((await decide(site, 'laptop')).decisions.hero!.offer!.code).toBe(code)
    await codeRecorded(site, 'phone', code)
    await codeRecorded(site, 'laptop', code)

    expect(await redeem(site, { code, visitorId: 'stranger' })).toMatchObject({
      valid: false,
      reason: 'not_for_this_visitor',
    })
    expect(await redeem(site, { code, visitorId: 'laptop', dryRun: true })).toMatchObject({
      valid: true,
      redeemed: false,
    })
    expect(await redeem(site, { code, visitorId: 'phone', orderId: 'o-1' })).toMatchObject({
      valid: true,
      redeemed: true,
    })
    expect(await redeem(site, { code, visitorId: 'laptop' })).toMatchObject({
      valid: false,
      reason: 'already_redeemed',
    })
    expect(await redeem(site, { code, customerId: 'cust-u', dryRun: true })).toMatchObject({
      valid: false,
      reason: 'already_redeemed',
    })
    const rows = await siteRows(site.siteId, 'SELECT holder FROM offer_redemptions')
    expect(rows).toEqual([{ holder: 'c:id:cust-u' }])
  })
})

describe('static codes', () => {
  it('are used once per holder: a customer on all their browsers, or an anonymous visitor', async () => {
    const site = await createTestSite()
    const signedIdentify = identitySigner(site)
    await publishRules(site, [
      {
        id: 'spring',
        slot: 'banner',
        status: 'live',
        offer: { kind: 'amount', value: 5, code: 'SPRING5' },
      },
    ])
    await send(site, 'phone', 'p1', [await signedIdentify('cust-s')])
    await send(site, 'laptop', 'l1', [await signedIdentify('cust-s')])
    for (const visitorId of ['phone', 'laptop', 'anon']) {
      await decide(site, visitorId)
      await codeRecorded(site, visitorId, 'SPRING5')
    }
    expect(await redeem(site, { code: 'spring5', visitorId: 'phone' })).toMatchObject({
      valid: true,
    })
    expect(await redeem(site, { code: 'SPRING5', visitorId: 'laptop' })).toMatchObject({
      valid: false,
      reason: 'already_redeemed',
    })
    expect(await redeem(site, { code: 'SPRING5', customerId: 'cust-s' })).toMatchObject({
      valid: false,
      reason: 'already_redeemed',
    })
    expect(await redeem(site, { code: 'SPRING5', visitorId: 'anon' })).toMatchObject({
      valid: true,
    })
    expect(await redeem(site, { code: 'SPRING5', visitorId: 'never-shown' })).toMatchObject({
      valid: false,
      reason: 'not_for_this_visitor',
    })
    expect(await redeem(site, { code: 'NOPE', visitorId: 'anon' })).toMatchObject({
      valid: false,
      reason: 'unknown_code',
    })
  })
})
