import type { Profile } from '@stammis/contract'
import { describe, expect, it } from 'vitest'
import {
  batch,
  expectDerivedExact,
  ledgerRows,
  serverOrder,
  testLedger,
  type LedgerStub,
} from '../../test/ledger'
import { toProfile } from '../segments/classify'
import type { LedgerServerOrder, LedgerSite } from './client'

const NOW = Date.parse('2026-03-10T12:00:00Z')
const DAY = 86_400_000

async function browser(
  ledger: LedgerStub,
  site: LedgerSite,
  visitorId: string,
  visitId: string,
  orders: [orderId: string, revenue: number][],
  now = NOW,
  signedAs?: string,
): Promise<void> {
  const identify = signedAs
    ? [{ id: `i-${visitorId}-${now}`, type: 'identify' as const, customerId: signedAs }]
    : []
  const result = await ledger.recordBatch(
    site,
    batch(
      visitorId,
      visitId,
      [
        { type: 'visit' },
        ...identify,
        ...orders.map(([orderId, revenue]) => ({ type: 'purchase' as const, orderId, revenue })),
      ],
      now,
      signedAs
        ? {
            identities: { [identify[0]!.id]: { customerKey: `id:${signedAs}`, verified: true } },
            signedPerson: `c:id:${signedAs}`,
          }
        : {},
    ),
  )
  expect(result.ok).toBe(true)
}

const order = (orderId: string, fields: Parameters<typeof serverOrder>[2]) =>
  serverOrder(orderId, NOW, fields)

async function profileOf(
  ledger: LedgerStub,
  site: LedgerSite,
  visitorId: string,
  now = NOW + DAY,
): Promise<Profile> {
  const context = await ledger.decideContext(site, {
    visitorId,
    visitId: `later-${now}`,
    withExposureTimes: false,
    now,
  })
  return toProfile(visitorId, context.state, now, site.lapseDays)
}

async function visitHasPurchase(ledger: LedgerStub, visitorId: string, visitId: string) {
  const [row] = await ledgerRows<{ has_purchase: number }>(
    ledger,
    'SELECT has_purchase FROM visits WHERE visitor_id = ?1 AND visit_id = ?2',
    visitorId,
    visitId,
  )
  return row?.has_purchase
}

describe("the server's word on a browser-reported order", () => {
  it("moves a claimed order to the server's visitor: both recounted, visits and rollups exact, a conflict", async () => {
    const { site, ledger } = testLedger()
    await browser(ledger, site, 'attacker', 'x1', [['1001', 0]])
    await browser(ledger, site, 'buyer', 'b1', [])
    const claimed = order('1001', {
      customer: 'ana',
      visitorId: 'buyer',
      revenueMicros: 120_000_000,
    })
    expect(await ledger.storeServerOrders(site, [claimed], 'server', NOW)).toMatchObject({
      accepted: 0,
      confirmed: 0,
      conflicts: 1,
      duplicates: 0,
    })
    expect(await visitHasPurchase(ledger, 'attacker', 'x1')).toBe(0)
    expect(await visitHasPurchase(ledger, 'buyer', 'b1')).toBe(1)
    expect(await profileOf(ledger, site, 'attacker')).toMatchObject({
      segment: 'shopper',
      orders: 0,
    })
    expect(await profileOf(ledger, site, 'buyer')).toMatchObject({
      segment: 'returning',
      orders: 1,
      revenue: 120,
    })
    expect(
      await ledgerRows(ledger, "SELECT person_id FROM visitors WHERE visitor_id = 'buyer'"),
    ).toEqual([{ person_id: 'c:id:ana' }])
    expect(
      await ledgerRows(
        ledger,
        'SELECT person_id, corrected_at IS NOT NULL AS corrected FROM orders',
      ),
    ).toEqual([{ person_id: 'c:id:ana', corrected: 1 }])
    await expectDerivedExact(ledger, site)
    // Reported again: a duplicate, nothing moves.
    expect(await ledger.storeServerOrders(site, [claimed], 'server', NOW)).toMatchObject({
      duplicates: 1,
      conflicts: 0,
    })
  })

  it('corrects revenue and currency in place when the person agrees', async () => {
    const { site, ledger } = testLedger()
    await browser(ledger, site, 'v', 's1', [['1002', 10]])
    expect(
      await ledger.storeServerOrders(
        site,
        [order('1002', { visitorId: 'v', revenueMicros: 12_500_000, currency: 'EUR' })],
        'server',
        NOW,
      ),
    ).toMatchObject({ conflicts: 1 })
    expect(
      await ledgerRows(
        ledger,
        'SELECT visitor_id, visit_id, revenue_micros, currency, verified, corrected_at IS NOT NULL AS corrected FROM orders',
      ),
    ).toEqual([
      {
        visitor_id: 'v',
        visit_id: 's1',
        revenue_micros: 12_500_000,
        currency: 'EUR',
        verified: 1,
        corrected: 1,
      },
    ])
    expect(await profileOf(ledger, site, 'v')).toMatchObject({ orders: 1, revenue: 0 })
    await expectDerivedExact(ledger, site)
  })

  it('confirms without a conflict when the server agrees, and marks nothing corrected', async () => {
    const { site, ledger } = testLedger()
    await browser(ledger, site, 'v', 's1', [['1003', 19.99]])
    expect(
      await ledger.storeServerOrders(
        site,
        [order('1003', { visitorId: 'v', customer: 'c-1', revenueMicros: 19_990_000 })],
        'server',
        NOW,
      ),
    ).toMatchObject({ accepted: 0, confirmed: 1, conflicts: 0, duplicates: 0 })
    expect(await ledgerRows(ledger, 'SELECT verified, corrected_at, source FROM orders')).toEqual([
      { verified: 1, corrected_at: null, source: 'browser' },
    ])
    // The server named both: the browser is now the customer's.
    expect(await ledgerRows(ledger, 'SELECT person_id FROM visitors')).toEqual([
      { person_id: 'c:id:c-1' },
    ])
    await expectDerivedExact(ledger, site)
  })

  it("moves an order to the customer's history when the server names only the customer, where her browsers see it", async () => {
    const { site, ledger } = testLedger()
    await browser(ledger, site, 'stranger', 'x1', [['2001', 0]])
    expect(
      await ledger.storeServerOrders(
        site,
        [order('2001', { customer: 'bo', revenueMicros: 55_000_000, placedAt: NOW - 60_000 })],
        'server',
        NOW,
      ),
    ).toMatchObject({ conflicts: 1 })
    expect(await profileOf(ledger, site, 'stranger')).toMatchObject({ orders: 0 })
    await browser(ledger, site, 'bos-laptop', 'l1', [], NOW + DAY, 'bo')
    expect(await profileOf(ledger, site, 'bos-laptop', NOW + 2 * DAY)).toMatchObject({
      orders: 1,
      revenue: 55,
      segment: 'returning',
    })
    await expectDerivedExact(ledger, site)
  })

  it("keeps a browser linked to one customer out of another's order (a shared computer)", async () => {
    const { site, ledger } = testLedger()
    await browser(ledger, site, 'shared', 's1', [['3001', 20]], NOW, 'alice')
    expect(
      await ledger.storeServerOrders(
        site,
        [order('3001', { customer: 'bob', visitorId: 'shared', revenueMicros: 20_000_000 })],
        'server',
        NOW,
      ),
    ).toMatchObject({ conflicts: 1 })
    expect(await profileOf(ledger, site, 'shared')).toMatchObject({ orders: 0 })
    expect(await ledgerRows(ledger, 'SELECT visitor_id, person_id FROM orders')).toEqual([
      { visitor_id: 'c:id:bob', person_id: 'c:id:bob' },
    ])
    await expectDerivedExact(ledger, site)
  })

  it('never lets a browser claim an order the server reported first', async () => {
    const { site, ledger } = testLedger()
    await ledger.storeServerOrders(
      site,
      [order('4001', { customer: 'cy', revenueMicros: 80_000_000, placedAt: NOW - 60_000 })],
      'server',
      NOW,
    )
    await browser(ledger, site, 'attacker', 'x1', [['4001', 0]])
    expect(await profileOf(ledger, site, 'attacker')).toMatchObject({ orders: 0 })
    expect(await ledgerRows(ledger, 'SELECT visitor_id, revenue_micros FROM orders')).toEqual([
      { visitor_id: 'c:id:cy', revenue_micros: 80_000_000 },
    ])
  })
})

describe('imported history', () => {
  it('counts as past purchase visits, one per day per customer, never as site traffic; idempotent', async () => {
    const { site, ledger } = testLedger({ timeZone: 'America/New_York' })
    const history = [
      order('h1', {
        customer: 'ana',
        revenueMicros: 10_000_000,
        placedAt: Date.parse('2026-01-10T15:00:00Z'),
      }),
      order('h2', {
        customer: 'ana',
        revenueMicros: 5_000_000,
        placedAt: Date.parse('2026-01-10T20:00:00Z'),
      }),
      // 02:00 UTC on the 11th is still the 10th in New York: the same visit.
      order('h3', {
        customer: 'ana',
        revenueMicros: 1_000_000,
        placedAt: Date.parse('2026-01-11T02:00:00Z'),
      }),
      order('h4', {
        customer: 'ana',
        revenueMicros: 2_000_000,
        placedAt: Date.parse('2026-02-01T15:00:00Z'),
      }),
    ]
    expect(await ledger.storeServerOrders(site, history, 'import', NOW)).toMatchObject({
      accepted: 4,
      confirmed: 0,
      conflicts: 0,
      duplicates: 0,
    })
    expect(
      await ledgerRows(
        ledger,
        'SELECT visit_id, segment, tracked, has_purchase FROM visits ORDER BY started_at',
      ),
    ).toEqual([
      { visit_id: 'import-2026-01-10', segment: 'shopper', tracked: 0, has_purchase: 1 },
      { visit_id: 'import-2026-02-01', segment: 'returning', tracked: 0, has_purchase: 1 },
    ])
    expect(await ledgerRows(ledger, 'SELECT count(*) AS n FROM daily_segment_stats')).toEqual([
      { n: 0 },
    ])
    await browser(ledger, site, 'phone', 'p1', [], NOW, 'ana')
    expect(await profileOf(ledger, site, 'phone')).toMatchObject({
      orders: 4,
      purchaseVisits: 2,
      segment: 'repeat',
      revenue: 18,
    })
    const before = await ledgerRows(ledger, 'SELECT * FROM orders ORDER BY order_id')
    expect(await ledger.storeServerOrders(site, history, 'import', NOW)).toMatchObject({
      duplicates: 4,
      transitions: [],
    })
    expect(await ledgerRows(ledger, 'SELECT * FROM orders ORDER BY order_id')).toEqual(before)
    await expectDerivedExact(ledger, site)
  })

  it('agrees with an independent count on every customer of a generated history', async () => {
    const { site, ledger } = testLedger()
    const orders: LedgerServerOrder[] = []
    let seed = 11
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647
    for (let c = 0; c < 40; c++) {
      const count = 1 + Math.floor(random() * 5)
      for (let n = 0; n < count; n++)
        orders.push(
          order(`o-${c}-${n}`, {
            customer: `c-${c}`,
            revenueMicros: Math.round(random() * 10_000) * 10_000,
            placedAt: Date.UTC(2026, 0, 1 + Math.floor(random() * 60), Math.floor(random() * 24)),
          }),
        )
    }
    await ledger.storeServerOrders(site, orders, 'import', NOW)
    for (let c = 0; c < 40; c++) {
      const mine = orders.filter((o) => o.customerPerson === `c:id:c-${c}`)
      const days = new Set(mine.map((o) => new Date(o.placedAt).toISOString().slice(0, 10))).size
      await browser(ledger, site, `device-${c}`, 'd1', [], NOW, `c-${c}`)
      expect(await profileOf(ledger, site, `device-${c}`), `c-${c}`).toMatchObject({
        orders: mine.length,
        purchaseVisits: days,
        segment: days === 1 ? 'returning' : 'repeat',
      })
    }
    await expectDerivedExact(ledger, site)
  })
})

describe('server orders with a visitor id', () => {
  it("go into the visitor's visit they were placed in: still a shopper there, returning from the next", async () => {
    const { site, ledger } = testLedger()
    await browser(ledger, site, 'v', 's1', [])
    await ledger.storeServerOrders(
      site,
      [
        order('S-1', {
          customer: 'c3',
          visitorId: 'v',
          revenueMicros: 40_000_000,
          placedAt: NOW + 60_000,
        }),
      ],
      'server',
      NOW,
    )
    const inVisit = await ledger.decideContext(site, {
      visitorId: 'v',
      visitId: 's1',
      withExposureTimes: false,
      now: NOW + 120_000,
    })
    expect(toProfile('v', inVisit.state, NOW, 90)).toMatchObject({ segment: 'shopper', orders: 1 })
    expect(await profileOf(ledger, site, 'v')).toMatchObject({ segment: 'returning' })
    await expectDerivedExact(ledger, site)
  })

  it('with trustBrowserPurchases off, count browser purchases only once the server confirms them', async () => {
    const { site: trusting, ledger } = testLedger()
    const site = { ...trusting, trustBrowserPurchases: false }
    await browser(ledger, site, 'v', 's1', [['U-1', 25]])
    expect(await profileOf(ledger, site, 'v')).toMatchObject({ segment: 'shopper', orders: 0 })
    await ledger.storeServerOrders(
      site,
      [order('U-1', { customer: 'c4', visitorId: 'v', revenueMicros: 25_000_000 })],
      'server',
      NOW,
    )
    expect(await profileOf(ledger, site, 'v')).toMatchObject({
      segment: 'returning',
      orders: 1,
      revenue: 25,
    })
    await expectDerivedExact(ledger, site)
  })
})

describe('money sums at the limits', () => {
  it('never overflow: 10,000 orders at the 1e15 micro-unit cap', async () => {
    const { site, ledger } = testLedger()
    const MAX_MICROS = 1e15
    for (let call = 0; call < 10; call++) {
      const orders = Array.from({ length: 1000 }, (_, n) =>
        order(`big-${call}-${n}`, {
          customer: `whale-${n % 20}`,
          revenueMicros: MAX_MICROS,
          placedAt: NOW - (call * 1000 + n) * 60_000,
        }),
      )
      await ledger.storeServerOrders(site, orders, 'import', NOW)
    }
    const metrics = await ledger.metrics(site, '2026-01-01', '2026-03-31')
    expect(metrics.customers.total).toBe(20)
    expect(metrics.customers.revenueMicros).toBe(10_000 * MAX_MICROS)
    const [whale] = await ledgerRows<{ revenue_micros: number }>(
      ledger,
      "SELECT revenue_micros FROM people WHERE person_id = 'c:id:whale-0'",
    )
    expect(whale!.revenue_micros).toBe(500 * MAX_MICROS)
  })
})
