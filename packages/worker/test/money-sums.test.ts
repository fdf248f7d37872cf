// Money sums at the limits: 10,000 orders of the largest revenue accepted (1e9, so 1e15
// micro-units each) add up to 1e19 micro-units, past 2^63 (9.22e18), where SQLite's integer sum()
// throws. Every sum of money (a person's counters, the daily rollups, the metrics) must still answer.
import { MAX_ORDER_AMOUNT, type DecideResponse, type MetricsReport } from '@stammis/contract'
import { describe, expect, it } from 'vitest'
import { adminFetch, createTestSite, postJson } from './helpers'
import { ledgerFor, ledgerRows, ledgerSiteOf, siteRow } from './ledger'

const ORDERS = 10_000
const MAX_MICROS = MAX_ORDER_AMOUNT * 1_000_000
const TOTAL = ORDERS * MAX_ORDER_AMOUNT

/**
 * Stores one tracked visit today with 10,000 orders at the limit in the site's ledger, then
 * rebuilds its counters and rollups from those facts (as `storage migrate` does).
 */
async function storeWhale(siteId: string, now: number): Promise<void> {
  const day = new Date(now).toISOString().slice(0, 10)
  const ledger = ledgerFor(siteId)
  await ledgerRows(
    ledger,
    "INSERT INTO visitors (visitor_id, first_seen_at, last_seen_at, person_id) VALUES ('whale', ?1, ?1, 'whale')",
    now - 60_000,
  )
  await ledgerRows(
    ledger,
    `INSERT INTO visits (visitor_id, visit_id, person_id, started_at, segment, day, has_purchase, has_verified_purchase)
     VALUES ('whale', 'w1', 'whale', ?1, 'shopper', ?2, 1, 1)`,
    now - 60_000,
    day,
  )
  await ledgerRows(
    ledger,
    `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?3)
     INSERT INTO orders (order_id, visitor_id, visit_id, person_id, revenue_micros, currency, placed_at, day, discount_micros, verified, source)
     SELECT 'big-' || i, 'whale', 'w1', 'whale', ?1, 'USD', ?2, ?4, ?1, 1, 'server' FROM n`,
    MAX_MICROS,
    now - 30_000,
    ORDERS,
    day,
  )
  // Exposed a minute before the orders: offer lift sums their revenue and discounts too.
  await ledgerRows(
    ledger,
    `INSERT INTO exposures (rule_id, visitor_id, variant, ruleset_version, first_exposed_at, first_visit_id, last_exposed_at, last_visit_id)
     VALUES ('hero-offer', 'whale', 'treatment', 1, ?1, 'w1', ?1, 'w1')`,
    now - 60_000,
  )
  const site = await ledgerSiteOf(siteId)
  for (
    let cursor = await ledger.rebuild(site);
    cursor;
    cursor = await ledger.rebuild(site, cursor)
  );
}

describe('money sums at the limits', () => {
  it('stay exact at the limits of one order, and cannot overflow over many', async () => {
    const site = await createTestSite()
    const now = Date.now()
    await storeWhale(site.siteId, now)

    // The data is past the point where SQLite's integer sum() throws: what the code used before.
    await expect(
      ledgerRows(ledgerFor(site.siteId), 'SELECT sum(revenue_micros) AS n FROM orders'),
    ).rejects.toThrow(/integer overflow/)

    const decide = await postJson('/v1/decide', {
      site: site.publicKey,
      visitorId: 'whale',
      visitId: 'w2',
      slots: ['hero'],
    })
    expect(decide.status).toBe(200)
    const { profile } = (await decide.json()) as DecideResponse
    expect(profile).toMatchObject({ orders: ORDERS, purchaseVisits: 1, segment: 'returning' })
    expect(profile.revenue).toBeCloseTo(TOTAL, -6)

    const today = new Date(now).toISOString().slice(0, 10)
    const response = await adminFetch(`/v1/admin/metrics?from=${today}&to=${today}`, site.secretKey)
    expect(response.status, await response.clone().text()).toBe(200)
    const report = (await response.json()) as MetricsReport
    expect(report.segments.shopper.orders).toBe(ORDERS)
    expect(report.segments.shopper.revenue / TOTAL).toBeCloseTo(1, 12)
    expect(report.totals.revenue / TOTAL).toBeCloseTo(1, 12)
    expect(report.customers.total).toBe(1)
    expect(report.customers.revenuePerCustomer! / TOTAL).toBeCloseTo(1, 12)

    // Offer lift runs the same sums over the exposed visitor's orders (the rule shows up once it has a holdout).
    const partial = await ledgerFor(site.siteId).metrics(
      await ledgerSiteOf(site.siteId),
      today,
      today,
    )
    const arms = partial.offerArms
    expect(arms).toHaveLength(1)
    expect(arms[0]!.revenueMicros / (TOTAL * 1_000_000)).toBeCloseTo(1, 12)
    expect(arms[0]!.discountMicros / (TOTAL * 1_000_000)).toBeCloseTo(1, 12)
  })

  it('keep one order at the limit exact to the micro-unit', async () => {
    const site = await createTestSite()
    const revenue = MAX_ORDER_AMOUNT - 0.000001
    const answer = await postJson('/v1/events', {
      site: site.publicKey,
      visitorId: 'v',
      visitId: 's',
      events: [{ id: 'p1', type: 'purchase', orderId: 'A-1', revenue, currency: 'USD' }],
    })
    expect(answer.status).toBe(200)
    const row = await siteRow<{ revenue_micros: number }>(
      site.siteId,
      'SELECT revenue_micros FROM orders',
    )
    expect(row!.revenue_micros).toBe(MAX_MICROS - 1)
    expect(((await answer.json()) as { profile: { revenue: number } }).profile.revenue).toBe(
      revenue,
    )
  })
})
