// Attack: shop order numbers are sequential. Report the next one from the browser console, for
// nothing, before the shop's server confirms the real order: the browser's row then gets verified
// and the real buyer gets no credit.
import type { DecideResponse, Profile } from '@stammis/contract'
import { describe, expect, it } from 'vitest'
import {
  adminFetch,
  createTestSite,
  eventId,
  postJson,
  publishRules,
  type TestSite,
} from '../helpers'
import { siteRow } from '../ledger'

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

async function decide(site: TestSite, visitorId: string, visitId: string): Promise<DecideResponse> {
  return (await (
    await postJson('/v1/decide', { site: site.publicKey, visitorId, visitId, slots: ['hero'] })
  ).json()) as DecideResponse
}

async function serverReports(site: TestSite, order: object): Promise<Record<string, number>> {
  const response = await adminFetch('/v1/admin/orders', site.secretKey, {
    method: 'POST',
    body: JSON.stringify({ orders: [order] }),
  })
  expect(response.status).toBe(200)
  return (await response.json()) as Record<string, number>
}

const nothing: Partial<Profile> = {
  segment: 'shopper',
  orders: 0,
  revenue: 0,
  lastPurchaseAt: null,
}

describe("abuse: a browser claims a real order before the shop's server reports it", () => {
  it("moves the order to the buyer the server names, with the server's revenue", async () => {
    const site = await createTestSite()
    await publishRules(site, [
      {
        id: 'vip',
        slot: 'hero',
        status: 'live',
        priority: 5,
        when: { segments: ['returning', 'repeat'] },
        offer: { kind: 'percent', value: 20, code: 'VIP20', requiresVerified: true },
      },
    ])
    await send(site, 'attacker', 'x1', [
      { type: 'visit' },
      { type: 'purchase', orderId: '1001', revenue: 0, currency: 'USD' },
    ])
    await send(site, 'buyer', 'b1', [{ type: 'visit' }])

    const answer = await serverReports(site, {
      orderId: '1001',
      customerId: 'cust-ana',
      visitorId: 'buyer',
      revenue: 120,
      currency: 'USD',
      placedAt: new Date().toISOString(),
    })
    expect(answer).toMatchObject({ accepted: 0, duplicates: 0 })

    // The real buyer has the order, at the server's price, and the offers it unlocks.
    const buyer = await decide(site, 'buyer', 'b2')
    expect(buyer.profile).toMatchObject({ segment: 'returning', orders: 1, revenue: 120 })
    expect(buyer.decisions.hero).toMatchObject({ ruleId: 'vip', offer: { code: 'VIP20' } })
    // The attacker has nothing: no order, no verified purchase, no code.
    const attacker = await decide(site, 'attacker', 'x2')
    expect(attacker.profile).toMatchObject(nothing)
    expect(attacker.decisions.hero).toBeNull()
    const row = await siteRow(
      site.siteId,
      "SELECT visitor_id, revenue_micros, verified FROM orders WHERE order_id = '1001'",
    )
    expect(row).toEqual({ visitor_id: 'buyer', revenue_micros: 120_000_000, verified: 1 })
    expect(answer).toMatchObject({ conflicts: 1 })
  })

  it("moves it to the customer's history when the server names only the customer", async () => {
    const site = await createTestSite()
    await send(site, 'attacker', 'x1', [
      { type: 'visit' },
      { type: 'purchase', orderId: '2001', revenue: 0, currency: 'USD' },
    ])
    await serverReports(site, {
      orderId: '2001',
      customerId: 'cust-bo',
      revenue: 55,
      currency: 'EUR',
      placedAt: new Date(Date.now() - 60_000).toISOString(),
    })
    expect((await decide(site, 'attacker', 'x2')).profile).toMatchObject(nothing)
    const row = await siteRow(
      site.siteId,
      "SELECT visitor_id, revenue_micros, currency, verified FROM orders WHERE order_id = '2001'",
    )
    expect(row).toMatchObject({ revenue_micros: 55_000_000, currency: 'EUR', verified: 1 })
    expect(row!.visitor_id).not.toBe('attacker')
  })
})
