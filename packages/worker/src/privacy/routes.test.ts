import { env } from 'cloudflare:test'
import type { Profile } from '@stammis/contract'
import { describe, expect, it } from 'vitest'
import { customerPersonId } from '../identity/customer-key'
import {
  adminFetch,
  createTestSession,
  createTestSite,
  identitySigner,
  postJson,
  publishRules,
  type ErrorJson,
  type TestSite,
} from '../../test/helpers'
import {
  exposeCode,
  seedShop,
  send,
  tablesHolding,
  UNIQUE_CODE_RULE,
  visit,
} from '../../test/privacy-data'
import { siteRows } from '../../test/ledger'

type Json = Record<string, any>

async function call(
  site: TestSite,
  method: 'GET' | 'DELETE',
  path: string,
): Promise<{ status: number; body: Json }> {
  const response = await adminFetch(path, site.secretKey, { method })
  return { status: response.status, body: (await response.json()) as Json }
}

async function profileOf(site: TestSite, visitorId: string): Promise<Profile> {
  const response = await postJson('/v1/decide', {
    site: site.publicKey,
    visitorId,
    visitId: 'later',
    slots: ['hero'],
  })
  return ((await response.json()) as { profile: Profile }).profile
}

async function rollups(siteId: string): Promise<unknown[]> {
  return await siteRows(siteId, 'SELECT * FROM daily_segment_stats ORDER BY day, segment')
}

describe('GET /v1/admin/visitors/:id and /v1/admin/customers/:id (export)', () => {
  it('exports everything held about a visitor', async () => {
    const site = await createTestSite()
    const { phoneCode } = await seedShop(site)
    const { status, body } = await call(site, 'GET', '/v1/admin/visitors/vis-phone-7q')
    expect(status).toBe(200)
    const personId = await customerPersonId(
      (await env.DB.prepare('SELECT code_secret FROM sites WHERE id = ?1')
        .bind(site.siteId)
        .first<{ code_secret: string }>())!.code_secret,
      'ana.lopez+shop@example.com',
    )
    expect(body).toMatchObject({ visitorId: 'vis-phone-7q', personId })
    expect(body.visitors).toEqual([
      expect.objectContaining({
        visitorId: 'vis-phone-7q',
        personId,
        orders: 3,
        purchaseVisits: 3,
      }),
    ])
    expect(body.visits.map((v: Json) => v.visitId).sort()).toEqual(['p1', 'p2'])
    expect(body.visits[0]).toMatchObject({
      url: 'https://shop.example/',
      referrer: 'https://search.example/',
    }) // the search terms are never stored
    expect(body.orders.map((o: Json) => [o.orderId, o.revenueMicros])).toEqual([
      ['ord-ana-1', 40_000_000],
      ['ord-ana-2', 25_000_000],
    ])
    const types = body.events.map((e: Json) => e.type).sort()
    expect(types).toEqual([
      'identify',
      'pageview',
      'purchase',
      'purchase',
      'track',
      'visit',
      'visit',
    ])
    expect(body.events.find((e: Json) => e.type === 'track').data).toEqual({
      name: 'wishlist',
      props: { sku: 'grinder' },
    })
    // The email address was never stored, so it cannot be exported either: only its salted hash.
    expect(body.events.find((e: Json) => e.type === 'identify').data).toEqual({
      customerKey: personId.slice(2),
      verified: true,
    })
    expect(JSON.stringify(body).toLowerCase()).not.toContain('ana.lopez')
    expect(body.exposures).toEqual([
      expect.objectContaining({
        ruleId: 'back',
        variant: 'treatment',
        offerCode: phoneCode.toUpperCase(),
      }),
    ])
    expect(body.offerRedemptions).toEqual([
      expect.objectContaining({
        code: phoneCode.toUpperCase(),
        holder: 'visitor:vis-phone-7q',
        orderId: 'ord-ana-2',
      }),
    ])
    expect(body.dailySegmentVisitors.length).toBeGreaterThan(0)
    expect(JSON.stringify(body)).not.toContain(site.siteId)
  })

  it('exports a customer with all of its visitors, found by the id the shop knows (any case, URL-encoded)', async () => {
    const site = await createTestSite()
    const { laptopCode } = await seedShop(site)
    const { status, body } = await call(
      site,
      'GET',
      `/v1/admin/customers/${encodeURIComponent(' ANA.LOPEZ+shop@example.com')}`,
    )
    expect(status).toBe(200)
    expect(body.customerId).toBe(' ANA.LOPEZ+shop@example.com')
    expect(body.visitors.map((v: Json) => v.visitorId).sort()).toEqual([
      'vis-laptop-3k',
      'vis-phone-7q',
    ])
    expect(body.orders.map((o: Json) => o.orderId).sort()).toEqual([
      'ord-ana-1',
      'ord-ana-2',
      'ord-ana-3',
    ])
    expect(body.exposures).toHaveLength(2)
    expect(body.offerRedemptions.map((r: Json) => r.holder).sort()).toEqual([
      body.personId,
      'visitor:vis-phone-7q',
    ])
    expect(body.offerRedemptions.find((r: Json) => r.holder === body.personId).code).toBe(
      laptopCode.toUpperCase(),
    )
    expect(JSON.stringify(body)).not.toContain('vis-bob-9z')
  })

  it('finds a customer id holding a slash', async () => {
    const site = await createTestSite()
    await send(site, 'vis-slash', 's1', [visit(), await identitySigner(site)('shop/42')])
    const { status, body } = await call(
      site,
      'GET',
      `/v1/admin/customers/${encodeURIComponent('shop/42')}`,
    )
    expect(status).toBe(200)
    expect(body.visitors.map((v: Json) => v.visitorId)).toEqual(['vis-slash'])
  })

  it('exports a visitor only ever seen by decide (an exposure, no events)', async () => {
    const site = await createTestSite()
    await seedShop(site)
    await exposeCode(site, 'vis-lurker', 'x1')
    const { status, body } = await call(site, 'GET', '/v1/admin/visitors/vis-lurker')
    expect(status).toBe(200)
    expect(body).toMatchObject({
      visitors: [],
      visits: [],
      events: [],
      exposures: [expect.objectContaining({ visitorId: 'vis-lurker' })],
    })
  })

  it("404 for a visitor or customer never seen, and for another site's", async () => {
    const site = await createTestSite()
    const other = await createTestSite()
    await seedShop(other)
    const visitor = await call(site, 'GET', '/v1/admin/visitors/vis-phone-7q')
    expect(visitor).toMatchObject({ status: 404, body: { error: { code: 'visitor_not_found' } } })
    const customer = await call(site, 'GET', '/v1/admin/customers/bob-42')
    expect(customer).toMatchObject({ status: 404, body: { error: { code: 'customer_not_found' } } })
  })
})

describe('DELETE /v1/admin/visitors/:id and /v1/admin/customers/:id (erase)', () => {
  it('erases a customer from every table, keeping the other customer, the other site and the rollups', async () => {
    const site = await createTestSite()
    const other = await createTestSite()
    const { email, phoneCode, laptopCode } = await seedShop(site)
    await seedShop(other)
    const personId = (await call(site, 'GET', '/v1/admin/visitors/vis-laptop-3k')).body
      .personId as string
    const rollupsBefore = await rollups(site.siteId)
    const otherBefore = await tablesHolding(other.siteId, 'vis-phone-7q')

    const { status, body } = await call(
      site,
      'DELETE',
      `/v1/admin/customers/${encodeURIComponent(email)}`,
    )
    expect(status).toBe(200)
    expect(body.erased).toEqual({
      events: 10,
      visits: 3,
      orders: 3,
      exposures: 2,
      daily_segment_visitors: expect.any(Number),
      offer_redemptions: 2,
      visitors: 2,
    })

    for (const needle of [
      'vis-phone-7q',
      'vis-laptop-3k',
      personId,
      personId.slice(2),
      phoneCode,
      laptopCode,
      'ord-ana-',
      'ana.lopez',
    ]) {
      expect(await tablesHolding(site.siteId, needle), needle).toEqual([])
    }
    // The stranger is untouched; so is the same visitor id on another site; rollups keep their counts.
    expect(await tablesHolding(site.siteId, 'vis-bob-9z')).toEqual(
      expect.arrayContaining(['events', 'exposures', 'orders', 'visitors', 'visits']),
    )
    expect(await profileOf(site, 'vis-bob-9z')).toMatchObject({ orders: 1, segment: 'returning' })
    expect(await tablesHolding(other.siteId, 'vis-phone-7q')).toEqual(otherBefore)
    expect(await rollups(site.siteId)).toEqual(rollupsBefore)

    // Idempotent: nothing is left to erase or export.
    expect(
      await call(site, 'DELETE', `/v1/admin/customers/${encodeURIComponent(email)}`),
    ).toMatchObject({ status: 404, body: { error: { code: 'customer_not_found' } } })
    expect(
      (await call(site, 'GET', `/v1/admin/customers/${encodeURIComponent(email)}`)).status,
    ).toBe(404)
    expect((await call(site, 'GET', '/v1/admin/visitors/vis-phone-7q')).status).toBe(404)
  })

  it("erases a customer's imported order history (held on a visitor row named after the person)", async () => {
    const site = await createTestSite()
    const { email } = await seedShop(site)
    const imported = await adminFetch('/v1/admin/orders?source=import', site.secretKey, {
      method: 'POST',
      body: JSON.stringify({
        orders: [
          {
            orderId: 'hist-ana-1',
            customerId: email,
            revenue: 99,
            currency: 'USD',
            placedAt: '2024-03-01T10:00:00Z',
          },
        ],
      }),
    })
    expect(imported.status).toBe(200)
    const exported = (await call(site, 'GET', `/v1/admin/customers/${encodeURIComponent(email)}`))
      .body
    expect(exported.orders.map((o: Json) => o.orderId)).toContain('hist-ana-1')
    expect(
      (await call(site, 'DELETE', `/v1/admin/customers/${encodeURIComponent(email)}`)).status,
    ).toBe(200)
    for (const needle of [exported.personId, 'hist-ana-1', 'vis-phone-7q'])
      expect(await tablesHolding(site.siteId, needle), needle).toEqual([])
  })

  it("erases one device of a customer and recomputes the others' history without it", async () => {
    const site = await createTestSite()
    const { laptopCode } = await seedShop(site)
    expect(await profileOf(site, 'vis-phone-7q')).toMatchObject({
      orders: 3,
      purchaseVisits: 3,
      revenue: 75,
    })

    const { status, body } = await call(site, 'DELETE', '/v1/admin/visitors/vis-laptop-3k')
    expect(status).toBe(200)
    // The customer's own redemption stays with the customer, who still has a device.
    expect(body.erased).toMatchObject({
      events: 3,
      visits: 1,
      orders: 1,
      exposures: 1,
      offer_redemptions: 0,
      visitors: 1,
    })
    expect(await tablesHolding(site.siteId, 'vis-laptop-3k')).toEqual([])
    expect(await profileOf(site, 'vis-phone-7q')).toMatchObject({
      orders: 2,
      purchaseVisits: 2,
      revenue: 65,
    })
    // The code is the customer's: the phone, still theirs, was shown it too (by profileOf above).
    expect(await tablesHolding(site.siteId, laptopCode)).toEqual(['exposures', 'offer_redemptions'])

    expect(await call(site, 'DELETE', '/v1/admin/visitors/vis-laptop-3k')).toMatchObject({
      status: 404,
      body: { error: { code: 'visitor_not_found' } },
    })
  })

  it("erasing a customer's last device takes the customer's own rows with it", async () => {
    const site = await createTestSite()
    const { laptopCode } = await seedShop(site)
    const personId = (await call(site, 'GET', '/v1/admin/visitors/vis-phone-7q')).body
      .personId as string
    expect((await call(site, 'DELETE', '/v1/admin/visitors/vis-laptop-3k')).status).toBe(200)
    const { body } = await call(site, 'DELETE', '/v1/admin/visitors/vis-phone-7q')
    expect(body.erased).toMatchObject({ visitors: 1, offer_redemptions: 2 })
    for (const needle of ['vis-phone-7q', personId, laptopCode])
      expect(await tablesHolding(site.siteId, needle), needle).toEqual([])
  })

  it('erases a visitor only ever seen by decide', async () => {
    const site = await createTestSite()
    await publishRules(site, [UNIQUE_CODE_RULE])
    await exposeCode(site, 'vis-lurker', 'x1')
    const { status, body } = await call(site, 'DELETE', '/v1/admin/visitors/vis-lurker')
    expect(status).toBe(200)
    expect(body.erased).toMatchObject({ exposures: 1, visitors: 0 })
    expect(await tablesHolding(site.siteId, 'vis-lurker')).toEqual([])
  })
})

describe('privacy routes need the secret key', () => {
  const ROUTES: ['GET' | 'DELETE', string][] = [
    ['GET', '/v1/admin/visitors/vis-phone-7q'],
    ['DELETE', '/v1/admin/visitors/vis-phone-7q'],
    ['GET', '/v1/admin/customers/bob-42'],
    ['DELETE', '/v1/admin/customers/bob-42'],
    ['GET', '/v1/admin/bots'],
    ['GET', '/v1/admin/settings/retention'],
  ]

  it.each(ROUTES)(
    '%s %s: 401 without a key, 403 with the public key, 401 with a wrong key; nothing erased',
    async (method, path) => {
      const site = await createTestSite()
      await seedShop(site)
      const expectCode = async (secret: string | null, status: number, code: string) => {
        const response = await adminFetch(path, secret, { method })
        expect(response.status).toBe(status)
        expect(((await response.json()) as ErrorJson).error.code).toBe(code)
      }
      await expectCode(null, 401, 'missing_api_key')
      await expectCode(site.publicKey, 403, 'public_key_not_allowed')
      await expectCode('sk_wrong', 401, 'invalid_api_key')
      expect(await tablesHolding(site.siteId, 'vis-phone-7q')).toContain('visitors')
      expect(await tablesHolding(site.siteId, 'vis-bob-9z')).toContain('visitors')
    },
  )

  it('a signed-in admin erases with the CSRF token, and not without it', async () => {
    const site = await createTestSite()
    await seedShop(site)
    const session = await createTestSession(site)
    const erase = (headers: Record<string, string>) =>
      adminFetch('/v1/admin/visitors/vis-bob-9z', null, {
        method: 'DELETE',
        headers: { cookie: session.cookie, ...headers },
      })
    expect((await erase({})).status).toBe(403)
    expect(await tablesHolding(site.siteId, 'vis-bob-9z')).toContain('visitors')
    expect((await erase({ 'x-csrf-token': session.csrfToken })).status).toBe(200)
    expect(await tablesHolding(site.siteId, 'vis-bob-9z')).toEqual([])
  })
})
