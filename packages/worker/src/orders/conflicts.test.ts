import { SELF } from 'cloudflare:test'
import type { MetricsReport, Profile } from '@stammis/contract'
import { describe, expect, it } from 'vitest'
import {
  createTestSession,
  adminFetch,
  createTestSite,
  eventId,
  identitySigner,
  postJson,
  signWebhookDelivery,
  type TestSite,
} from '../../test/helpers'
import { expectDerivedExact, ledgerFor, ledgerSiteOf, siteRow } from '../../test/ledger'

async function send(
  site: TestSite,
  visitorId: string,
  visitId: string,
  events: object[],
): Promise<{ accepted: number; duplicates: number; profile: Profile }> {
  const response = await postJson('/v1/events', {
    site: site.publicKey,
    visitorId,
    visitId,
    events: events.map((event) => ({ id: eventId(), ...event })),
  })
  expect(response.status).toBe(200)
  return (await response.json()) as { accepted: number; duplicates: number; profile: Profile }
}

const purchase = (orderId: string, revenue: number, currency = 'USD') => ({
  type: 'purchase',
  orderId,
  revenue,
  currency,
})

async function report(
  site: TestSite,
  orders: object[],
  query = '',
): Promise<Record<string, number>> {
  const response = await adminFetch(`/v1/admin/orders${query}`, site.secretKey, {
    method: 'POST',
    body: JSON.stringify({ orders }),
  })
  expect(response.status).toBe(200)
  return (await response.json()) as Record<string, number>
}

async function profileOf(site: TestSite, visitorId: string): Promise<Profile> {
  const response = await postJson('/v1/decide', {
    site: site.publicKey,
    visitorId,
    visitId: `later-${eventId()}`,
    slots: ['hero'],
  })
  return ((await response.json()) as { profile: Profile }).profile
}

/**
 * The counters and rollups the ledger keeps, compared with a rebuild from the facts (tracked
 * visits and their orders): every row must agree.
 */
async function expectRollupsExact(site: TestSite): Promise<void> {
  await expectDerivedExact(ledgerFor(site.siteId), await ledgerSiteOf(site.siteId))
}

async function visitHasPurchase(
  site: TestSite,
  visitorId: string,
  visitId: string,
): Promise<number | undefined> {
  const row = await siteRow<{ has_purchase: number }>(
    site.siteId,
    'SELECT has_purchase FROM visits WHERE visitor_id = ?1 AND visit_id = ?2',
    visitorId,
    visitId,
  )
  return row?.has_purchase
}

describe("the server's word on a browser-reported order", () => {
  it("moves a claimed order to the server's visitor: both recounted, visits and rollups exact, counted as a conflict", async () => {
    const site = await createTestSite()
    await send(site, 'attacker', 'x1', [{ type: 'visit' }, purchase('1001', 0)])
    await send(site, 'buyer', 'b1', [{ type: 'visit' }])
    await expectRollupsExact(site)

    const answer = await report(site, [
      {
        orderId: '1001',
        customerId: 'cust-ana',
        visitorId: 'buyer',
        revenue: 120,
        currency: 'USD',
        placedAt: new Date().toISOString(),
      },
    ])
    expect(answer).toEqual({ accepted: 0, confirmed: 0, conflicts: 1, duplicates: 0 })
    expect(await visitHasPurchase(site, 'attacker', 'x1')).toBe(0)
    expect(await visitHasPurchase(site, 'buyer', 'b1')).toBe(1)
    await expectRollupsExact(site)
    expect(await profileOf(site, 'attacker')).toMatchObject({
      segment: 'shopper',
      orders: 0,
      revenue: 0,
    })
    expect(await profileOf(site, 'buyer')).toMatchObject({
      segment: 'returning',
      orders: 1,
      revenue: 120,
    })
    // The server named both: the buyer's browser is now the customer's.
    const buyer = await siteRow(
      site.siteId,
      "SELECT person_id FROM visitors WHERE visitor_id = 'buyer'",
    )
    expect(buyer).toEqual({ person_id: 'c:id:cust-ana' })

    // Reported again: a duplicate, nothing moves.
    expect(
      await report(site, [
        {
          orderId: '1001',
          customerId: 'cust-ana',
          visitorId: 'buyer',
          revenue: 120,
          currency: 'USD',
          placedAt: new Date().toISOString(),
        },
      ]),
    ).toMatchObject({ duplicates: 1, conflicts: 0 })
  })

  it('corrects revenue and currency in place when the person agrees', async () => {
    const site = await createTestSite()
    await send(site, 'v', 's1', [{ type: 'visit' }, purchase('1002', 10)])
    const answer = await report(site, [
      {
        orderId: '1002',
        visitorId: 'v',
        revenue: 12.5,
        currency: 'EUR',
        placedAt: new Date().toISOString(),
      },
    ])
    expect(answer).toEqual({ accepted: 0, confirmed: 0, conflicts: 1, duplicates: 0 })
    const row = await siteRow(
      site.siteId,
      "SELECT visitor_id, visit_id, revenue_micros, currency, verified, corrected_at IS NOT NULL AS corrected FROM orders WHERE order_id = '1002'",
    )
    expect(row).toEqual({
      visitor_id: 'v',
      visit_id: 's1',
      revenue_micros: 12_500_000,
      currency: 'EUR',
      verified: 1,
      corrected: 1,
    })
    // Still an order, but no revenue in the site's currency.
    expect(await profileOf(site, 'v')).toMatchObject({ orders: 1, revenue: 0 })
    await expectRollupsExact(site)
  })

  it('confirms without a conflict when the server agrees, and marks nothing corrected', async () => {
    const site = await createTestSite()
    await send(site, 'v', 's1', [{ type: 'visit' }, purchase('1003', 19.99)])
    expect(
      await report(site, [
        {
          orderId: '1003',
          visitorId: 'v',
          customerId: 'c-1',
          revenue: 19.99,
          currency: 'USD',
          placedAt: new Date().toISOString(),
        },
      ]),
    ).toEqual({
      accepted: 0,
      confirmed: 1,
      conflicts: 0,
      duplicates: 0,
    })
    const row = await siteRow(
      site.siteId,
      "SELECT verified, corrected_at FROM orders WHERE order_id = '1003'",
    )
    expect(row).toEqual({ verified: 1, corrected_at: null })
  })

  it("moves an order to the customer's history when the server names only the customer, where her signed-in browsers see it", async () => {
    const site = await createTestSite()
    const signedIdentify = identitySigner(site)
    await send(site, 'stranger', 'x1', [{ type: 'visit' }, purchase('2001', 0)])
    expect(
      await report(site, [
        {
          orderId: '2001',
          customerId: 'cust-bo',
          revenue: 55,
          currency: 'USD',
          placedAt: new Date(Date.now() - 60_000).toISOString(),
        },
      ]),
    ).toMatchObject({ conflicts: 1 })
    expect(await profileOf(site, 'stranger')).toMatchObject({ orders: 0 })
    expect(
      (await send(site, 'bos-laptop', 'l1', [await signedIdentify('cust-bo')])).profile,
    ).toMatchObject({ orders: 1, revenue: 55, segment: 'returning' })
    await expectRollupsExact(site)
  })

  it("keeps a browser linked to one customer out of another's order (a shared computer)", async () => {
    const site = await createTestSite()
    const signedIdentify = identitySigner(site)
    await send(site, 'shared', 's1', [
      { type: 'visit' },
      await signedIdentify('alice'),
      purchase('3001', 20),
    ])
    // The server says the order was Bob's, placed from that computer.
    expect(
      await report(site, [
        {
          orderId: '3001',
          customerId: 'bob',
          visitorId: 'shared',
          revenue: 20,
          currency: 'USD',
          placedAt: new Date().toISOString(),
        },
      ]),
    ).toMatchObject({ conflicts: 1 })
    expect(await profileOf(site, 'shared')).toMatchObject({ orders: 0 })
    const row = await siteRow(site.siteId, "SELECT visitor_id FROM orders WHERE order_id = '3001'")
    expect(row).toEqual({ visitor_id: 'c:id:bob' })
  })

  it('never lets a browser claim an order the server reported first', async () => {
    const site = await createTestSite()
    await report(site, [
      {
        orderId: '4001',
        customerId: 'cust-cy',
        revenue: 80,
        currency: 'USD',
        placedAt: new Date(Date.now() - 60_000).toISOString(),
      },
    ])
    const late = await send(site, 'attacker', 'x1', [{ type: 'visit' }, purchase('4001', 0)])
    expect(late).toMatchObject({ accepted: 1, duplicates: 1, profile: { orders: 0 } })
    const row = await siteRow(
      site.siteId,
      "SELECT visitor_id, revenue_micros FROM orders WHERE order_id = '4001'",
    )
    expect(row).toEqual({ visitor_id: 'c:id:cust-cy', revenue_micros: 80_000_000 })
  })

  it('settles conflicts the same way through the signed webhook and the import', async () => {
    const site = await createTestSite()
    await send(site, 'attacker', 'x1', [
      { type: 'visit' },
      purchase('5001', 0),
      purchase('5002', 0),
    ])
    const secret = (
      (await (
        await adminFetch('/v1/admin/site/webhook-secret', site.secretKey, { method: 'POST' })
      ).json()) as { secret: string }
    ).secret
    const body = JSON.stringify({
      orders: [
        {
          orderId: '5001',
          customerId: 'cust-di',
          revenue: 30,
          currency: 'USD',
          placedAt: new Date().toISOString(),
        },
      ],
    })
    const timestamp = Math.floor(Date.now() / 1000)
    const delivered = await SELF.fetch(`https://worker.test/v1/webhooks/${site.publicKey}/orders`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'stammis-timestamp': String(timestamp),
        'stammis-signature': await signWebhookDelivery(secret, timestamp, body),
      },
      body,
    })
    expect(await delivered.json()).toEqual({
      accepted: 0,
      confirmed: 0,
      conflicts: 1,
      duplicates: 0,
    })
    expect(
      await report(
        site,
        [
          {
            orderId: '5002',
            customerId: 'cust-di',
            revenue: 45,
            currency: 'USD',
            placedAt: '2026-01-10T10:00:00Z',
          },
        ],
        '?source=import',
      ),
    ).toMatchObject({ conflicts: 1 })
    expect(await profileOf(site, 'attacker')).toMatchObject({ orders: 0, revenue: 0 })
    await expectRollupsExact(site)
  })
})

describe('conflicts in the metrics and on the dashboard', () => {
  it('counts the orders the server corrected in the range', async () => {
    const site = await createTestSite()
    await send(site, 'a', 's1', [{ type: 'visit' }, purchase('6001', 0), purchase('6002', 5)])
    await report(site, [
      {
        orderId: '6001',
        customerId: 'c-1',
        revenue: 10,
        currency: 'USD',
        placedAt: new Date().toISOString(),
      },
      {
        orderId: '6002',
        visitorId: 'a',
        revenue: 5,
        currency: 'USD',
        placedAt: new Date().toISOString(),
      },
    ])
    const today = new Date().toISOString().slice(0, 10)
    const metrics = (await (
      await adminFetch(`/v1/admin/metrics?from=${today}&to=${today}`, site.secretKey)
    ).json()) as MetricsReport
    expect(metrics.conflicts).toBe(1)
    const empty = (await (
      await adminFetch('/v1/admin/metrics?from=2025-01-01&to=2025-01-31', site.secretKey)
    ).json()) as MetricsReport
    expect(empty.conflicts).toBe(0)
    const csv = await (
      await adminFetch(`/v1/admin/metrics.csv?from=${today}&to=${today}`, site.secretKey)
    ).text()
    expect(csv).toContain('orders,conflicts,1')

    const session = await createTestSession(site)
    const page = await SELF.fetch(`https://worker.test/admin/dashboard?from=${today}&to=${today}`, {
      headers: { cookie: session.cookie },
    })
    expect(page.status).toBe(200)
    expect(await page.text()).toMatch(
      /id="order-conflicts"[^>]*>.*1 browser-reported order corrected by your\s+server in this range/s,
    )
  })
})
