// Money sums at the limits: 10,000 orders of the largest revenue accepted (1e9, so 1e15
// micro-units each) add up to 1e19 micro-units, past 2^63 (9.22e18), where SQLite's integer sum()
// throws. Every sum of money (a person's counters, the daily rollups, the metrics) must still answer.
import { MAX_ORDER_AMOUNT, type DecideResponse, type MetricsReport } from '@stammis/contract'
import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { recomputeVisitorStatement } from '../src/segments/queries'
import { adminFetch, createTestSite, postJson } from './helpers'

const ORDERS = 10_000
const MAX_MICROS = MAX_ORDER_AMOUNT * 1_000_000
const TOTAL = ORDERS * MAX_ORDER_AMOUNT

/** Stores one tracked visit today with 10,000 orders at the limit, through the real triggers. */
async function storeWhale(siteId: string, now: number): Promise<void> {
  const day = new Date(now).toISOString().slice(0, 10)
  await env.DB.batch([
    env.DB.prepare(
      "INSERT INTO visitors (site_id, visitor_id, first_seen_at, last_seen_at, person_id) VALUES (?1, 'whale', ?2, ?2, 'whale')",
    ).bind(siteId, now - 60_000),
    env.DB.prepare(
      "INSERT INTO visits (site_id, visitor_id, visit_id, started_at, segment, day) VALUES (?1, 'whale', 'w1', ?2, 'shopper', ?3)",
    ).bind(siteId, now - 60_000, day),
    env.DB.prepare(
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?4)
       INSERT INTO orders (site_id, order_id, visitor_id, visit_id, revenue_micros, currency, placed_at, day, discount_micros, verified, source)
       SELECT ?1, 'big-' || i, 'whale', 'w1', ?2, 'USD', ?3, ?5, ?2, 1, 'server' FROM n`,
    ).bind(siteId, MAX_MICROS, now - 30_000, ORDERS, day),
    env.DB.prepare(
      "UPDATE visits SET has_purchase = 1, has_verified_purchase = 1 WHERE site_id = ?1 AND visitor_id = 'whale'",
    ).bind(siteId),
    // Exposed a minute before the orders: offer lift sums their revenue and discounts too.
    env.DB.prepare(
      `INSERT INTO exposures (site_id, rule_id, visitor_id, variant, ruleset_version, first_exposed_at, first_visit_id, last_exposed_at, last_visit_id)
       VALUES (?1, 'hero-offer', 'whale', 'treatment', 1, ?2, 'w1', ?2, 'w1')`,
    ).bind(siteId, now - 60_000),
  ])
}

describe('money sums at the limits', () => {
  it('stay exact at the limits of one order, and cannot overflow over many', async () => {
    const site = await createTestSite()
    const now = Date.now()
    await storeWhale(site.siteId, now)

    // The data is past the point where SQLite's integer sum() throws: what the code used before.
    await expect(
      env.DB.prepare('SELECT sum(revenue_micros) AS n FROM orders WHERE site_id = ?1')
        .bind(site.siteId)
        .first(),
    ).rejects.toThrow(/integer overflow/)

    await recomputeVisitorStatement(env.DB, site.siteId, 'whale', 'USD').run()
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
    const { offerArms } = await import('../src/metrics/queries')
    const arms = await offerArms(env.DB, site.siteId, now - 86_400_000, now + 1, 'USD')
    expect(arms).toHaveLength(1)
    expect(arms[0]!.revenue_micros / (TOTAL * 1_000_000)).toBeCloseTo(1, 12)
    expect(arms[0]!.discount_micros / (TOTAL * 1_000_000)).toBeCloseTo(1, 12)
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
    const row = await env.DB.prepare('SELECT revenue_micros FROM orders WHERE site_id = ?1')
      .bind(site.siteId)
      .first<{ revenue_micros: number }>()
    expect(row!.revenue_micros).toBe(MAX_MICROS - 1)
    expect(((await answer.json()) as { profile: { revenue: number } }).profile.revenue).toBe(
      revenue,
    )
  })
})
