import type { Profile } from '@stammis/contract'
import { describe, expect, it } from 'vitest'
import {
  adminFetch,
  countRows,
  createTestSite,
  eventId,
  identitySigner,
  postJson,
  publishRules,
  type ErrorJson,
  type TestSite,
} from '../../test/helpers'
import { ledgerFor, ledgerRows, ledgerTables, siteRow, siteRows } from '../../test/ledger'

const order = (
  orderId: string,
  customerId: string,
  placedAt: string,
  revenue = 20,
  extra: object = {},
) => ({ orderId, customerId, revenue, currency: 'USD', placedAt, ...extra })

async function importOrders(
  site: TestSite,
  orders: object[],
  query = '?source=import',
): Promise<Response> {
  return adminFetch(`/v1/admin/orders${query}`, site.secretKey, {
    method: 'POST',
    body: JSON.stringify({ orders }),
  })
}

async function profileOf(site: TestSite, visitorId: string, visitId = 'now'): Promise<Profile> {
  const response = await postJson('/v1/decide', {
    site: site.publicKey,
    visitorId,
    visitId,
    slots: ['hero'],
  })
  return ((await response.json()) as { profile: Profile }).profile
}

const signers = new WeakMap<TestSite, ReturnType<typeof identitySigner>>()

/** A customer signs in on a device: a visit and an identify signed by the shop's server. */
async function signIn(site: TestSite, visitorId: string, customerId: string): Promise<Profile> {
  if (!signers.has(site)) signers.set(site, identitySigner(site))
  const identify = await signers.get(site)!(customerId)
  const response = await postJson('/v1/events', {
    site: site.publicKey,
    visitorId,
    visitId: 'login',
    events: [
      { id: eventId(), type: 'visit' },
      { id: eventId(), ...identify },
    ],
  })
  return ((await response.json()) as { profile: Profile }).profile
}

describe('POST /v1/admin/orders (import)', () => {
  it('counts imported history as past purchase visits, one per day per customer', async () => {
    const site = await createTestSite()
    const response = await importOrders(site, [
      order('A-1', 'cust-1', '2026-01-10T10:00:00Z'),
      order('A-2', 'cust-1', '2026-01-10T18:00:00Z'),
      order('A-3', 'cust-1', '2026-02-01T09:00:00Z', 30),
      order('B-1', 'cust-2', '2026-03-01T09:00:00Z', 5),
    ])
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({
      accepted: 4,
      confirmed: 0,
      conflicts: 0,
      duplicates: 0,
    })
    // A customer who signs in on a new device is known at once.
    expect(await signIn(site, 'laptop', 'cust-1')).toMatchObject({
      segment: 'repeat',
      orders: 3,
      purchaseVisits: 2,
      revenue: 70,
    })
    expect(await signIn(site, 'phone', 'cust-2')).toMatchObject({
      segment: 'returning',
      orders: 1,
      purchaseVisits: 1,
    })
    const visits = await siteRows(
      site.siteId,
      "SELECT visit_id, segment FROM visits WHERE visit_id LIKE 'import-%' ORDER BY started_at",
    )
    expect(visits).toEqual([
      { visit_id: 'import-2026-01-10', segment: 'shopper' },
      { visit_id: 'import-2026-02-01', segment: 'returning' },
      { visit_id: 'import-2026-03-01', segment: 'shopper' },
    ])
  })

  it('counts imported history for customers, not as site traffic', async () => {
    const site = await createTestSite()
    await importOrders(site, [
      order('A-1', 'c-1', '2026-01-10T10:00:00Z', 20),
      order('A-2', 'c-1', '2026-01-20T10:00:00Z', 30),
      order('B-1', 'c-2', '2026-01-15T10:00:00Z', 5),
    ])
    const report = (await (
      await adminFetch('/v1/admin/metrics?from=2026-01-01&to=2026-01-31', site.secretKey)
    ).json()) as {
      totals: { visits: number; orders: number }
      customers: { total: number; repeatRate: number; revenuePerCustomer: number }
      cohorts: { month: string; customers: number }[]
    }
    expect(report.totals).toMatchObject({ visits: 0, orders: 0 })
    expect(report.customers).toMatchObject({ total: 2, repeatRate: 0.5, revenuePerCustomer: 27.5 })
    expect(report.cohorts[0]).toMatchObject({ month: '2026-01', customers: 2 })
  })

  it('is idempotent: importing the same file again changes nothing', async () => {
    const site = await createTestSite()
    const orders = [
      order('A-1', 'c', '2026-01-10T10:00:00Z'),
      order('A-2', 'c', '2026-01-11T10:00:00Z'),
    ]
    await importOrders(site, orders)
    const before = await Promise.all(
      (['visitors', 'visits', 'orders'] as const).map((table) => countRows(table, site.siteId)),
    )
    expect(await (await importOrders(site, orders)).json()).toEqual({
      accepted: 0,
      confirmed: 0,
      conflicts: 0,
      duplicates: 2,
    })
    expect(
      await Promise.all(
        (['visitors', 'visits', 'orders'] as const).map((table) => countRows(table, site.siteId)),
      ),
    ).toEqual(before)
  })

  it('rejects a call with one invalid order whole, storing nothing', async () => {
    const site = await createTestSite()
    const response = await importOrders(site, [
      order('A-1', 'c', '2026-01-10T10:00:00Z'),
      order('A-2', 'c', 'yesterday'),
    ])
    expect(response.status).toBe(400)
    expect(
      ((await response.json()) as ErrorJson & { error: { issues: { path: string }[] } }).error
        .issues[0]?.path,
    ).toBe('orders.1.placedAt')
    expect(await countRows('orders', site.siteId)).toBe(0)
    expect(
      (
        await importOrders(site, [
          { orderId: 'x', revenue: 1, currency: 'USD', placedAt: '2026-01-01T00:00:00Z' },
        ])
      ).status,
    ).toBe(400)
    expect(
      (
        await importOrders(
          site,
          Array.from({ length: 1001 }, (_, i) => order(`o${i}`, 'c', '2026-01-01T00:00:00Z')),
        )
      ).status,
    ).toBe(400)
  })

  it('keeps an email used as customer id out of storage', async () => {
    const site = await createTestSite()
    await importOrders(site, [order('A-1', 'Maria@Shop.Example', '2026-01-10T10:00:00Z')])
    expect(await signIn(site, 'v', 'maria@shop.example')).toMatchObject({ orders: 1 })
    const ledger = ledgerFor(site.siteId)
    let everything = ''
    for (const table of await ledgerTables(ledger))
      everything += JSON.stringify(await ledgerRows(ledger, `SELECT * FROM ${table}`))
    expect(everything.toLowerCase()).not.toContain('maria@shop.example')
  })
})

describe('server-verified purchases', () => {
  async function browserPurchase(
    site: TestSite,
    visitorId: string,
    visitId: string,
    orderId: string,
  ): Promise<void> {
    const response = await postJson('/v1/events', {
      site: site.publicKey,
      visitorId,
      visitId,
      events: [
        { id: eventId(), type: 'visit' },
        { id: eventId(), type: 'purchase', orderId, revenue: 25, currency: 'USD' },
      ],
    })
    expect(response.status).toBe(200)
  }

  it('confirms a browser order without counting it twice', async () => {
    const site = await createTestSite()
    await browserPurchase(site, 'v', 's1', 'W-1')
    const confirm = await importOrders(
      site,
      [order('W-1', 'cust-9', new Date().toISOString(), 25, { visitorId: 'v' })],
      '',
    )
    expect(await confirm.json()).toEqual({ accepted: 0, confirmed: 1, conflicts: 0, duplicates: 0 })
    expect(await profileOf(site, 'v', 's2')).toMatchObject({ orders: 1, segment: 'returning' })
    const row = await siteRow(
      site.siteId,
      "SELECT verified, source FROM orders WHERE order_id = 'W-1'",
    )
    expect(row).toEqual({ verified: 1, source: 'browser' })
  })

  it("puts a server order with a visitor id into that visitor's visit", async () => {
    const site = await createTestSite()
    await postJson('/v1/events', {
      site: site.publicKey,
      visitorId: 'v',
      visitId: 's1',
      events: [{ id: eventId(), type: 'visit' }],
    })
    await importOrders(
      site,
      [order('S-1', 'cust-3', new Date().toISOString(), 40, { visitorId: 'v' })],
      '',
    )
    // Bought during s1: still a shopper in s1, returning from the next visit.
    expect(await profileOf(site, 'v', 's1')).toMatchObject({ segment: 'shopper', orders: 1 })
    expect(await profileOf(site, 'v', 's2')).toMatchObject({ segment: 'returning' })
  })

  it('with trustBrowserPurchases off, counts browser purchases only once the server confirms them', async () => {
    const site = await createTestSite()
    const patch = await adminFetch('/v1/admin/site', site.secretKey, {
      method: 'PATCH',
      body: JSON.stringify({ trustBrowserPurchases: false }),
    })
    expect(await patch.json()).toMatchObject({ trustBrowserPurchases: false })
    await browserPurchase(site, 'v', 's1', 'U-1')
    expect(await profileOf(site, 'v', 's2')).toMatchObject({ segment: 'shopper', orders: 0 })
    await importOrders(
      site,
      [order('U-1', 'cust-4', new Date().toISOString(), 25, { visitorId: 'v' })],
      '',
    )
    expect(await profileOf(site, 'v', 's2')).toMatchObject({
      segment: 'returning',
      orders: 1,
      revenue: 25,
    })
  })

  it('serves offers that require verified status only on verified purchases', async () => {
    const site = await createTestSite()
    await publishRules(site, [
      {
        id: 'vip-code',
        slot: 'hero',
        status: 'live',
        priority: 5,
        when: { segments: ['returning', 'repeat'] },
        content: { type: 'text', value: 'VIP' },
        offer: { kind: 'percent', value: 20, code: 'VIP20', requiresVerified: true },
      },
      { id: 'plain', slot: 'hero', status: 'live', content: { type: 'text', value: 'Hello' } },
    ])
    await browserPurchase(site, 'faker', 's1', 'F-1')
    const faked = await postJson('/v1/decide', {
      site: site.publicKey,
      visitorId: 'faker',
      visitId: 's2',
      slots: ['hero'],
    })
    const fakedBody = (await faked.json()) as {
      profile: Profile
      decisions: { hero: { ruleId: string; offer: unknown } }
    }
    expect(fakedBody.profile.segment).toBe('returning')
    // The rule's content follows the browser's purchases; its code waits for the server.
    expect(fakedBody.decisions.hero).toMatchObject({ ruleId: 'vip-code', offer: null })

    await importOrders(
      site,
      [
        order('F-1', 'real-customer', new Date(Date.now() - 60_000).toISOString(), 25, {
          visitorId: 'faker',
        }),
      ],
      '',
    )
    const verified = await postJson('/v1/decide', {
      site: site.publicKey,
      visitorId: 'faker',
      visitId: 's2',
      slots: ['hero'],
    })
    expect(
      (
        (await verified.json()) as {
          decisions: { hero: { ruleId: string; offer: { code: string } } }
        }
      ).decisions.hero,
    ).toMatchObject({ ruleId: 'vip-code', offer: { code: 'VIP20' } })
  })
})

describe('classification after import matches an independent count', () => {
  it('agrees on every customer of a generated order history', async () => {
    const site = await createTestSite()
    const orders: ReturnType<typeof order>[] = []
    let seed = 7
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647
    for (let c = 0; c < 40; c++) {
      const count = 1 + Math.floor(random() * 5)
      for (let n = 0; n < count; n++) {
        const day = 1 + Math.floor(random() * 60)
        orders.push(
          order(
            `o-${c}-${n}`,
            `c-${c}`,
            new Date(Date.UTC(2026, 0, day, Math.floor(random() * 24))).toISOString(),
            Math.round(random() * 10000) / 100,
          ),
        )
      }
    }
    expect((await importOrders(site, orders)).status).toBe(200)
    for (let c = 0; c < 40; c++) {
      const mine = orders.filter((o) => o.customerId === `c-${c}`)
      const days = new Set(mine.map((o) => o.placedAt.slice(0, 10))).size
      const expected = {
        orders: mine.length,
        purchaseVisits: days,
        segment: days === 0 ? 'shopper' : days === 1 ? 'returning' : 'repeat',
      }
      expect(await signIn(site, `device-${c}`, `c-${c}`), `c-${c}`).toMatchObject(expected)
    }
  })
})
