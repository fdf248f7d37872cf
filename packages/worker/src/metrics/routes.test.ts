import type { DecideResponse, MetricsReport } from '@stammis/contract'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import {
  adminFetch,
  createIdentitySecret,
  createTestSite,
  postJson,
  publishRules,
  signCustomerId,
  type ErrorJson,
  type TestSite,
} from '../../test/helpers'
import {
  dayOf,
  midnightOf,
  referenceMetrics,
  type LogEntry,
  type LoggedEvent,
} from '../../test/metrics-reference'
import { expectAgreement } from '../../test/agreement'
import { siteRow } from '../../test/ledger'

const TIME_ZONE = 'America/New_York'
const MINUTE = 60_000
const DAY = 86_400_000
const RULES = [
  {
    id: 'hero-offer',
    slot: 'hero',
    status: 'live',
    holdoutPercent: 50,
    content: { type: 'text', value: 'Welcome' },
    offer: { kind: 'percent', value: 10 },
  },
  { id: 'banner-plain', slot: 'banner', status: 'live', content: { type: 'text', value: 'Hi' } },
]

/** A seeded generator, so a failure is reproducible. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

type Planned = { at: number; visitorId: string; visitId: string } & (
  { kind: 'events'; events: LoggedEvent[] } | { kind: 'decide' }
)

/** Stands for the signature the shop's server computes, until the site has its identity secret. */
const SIGN_ME = 'sign-me'

/** A shop's history: visitors, visits, purchases (some in EUR, some with discounts), resends. */
function planHistory(
  rand: () => number,
  start: number,
  spanDays: number,
  rangeEnd: number,
): Planned[] {
  const plan: Planned[] = []
  let ids = 0
  const id = (prefix: string) => `${prefix}${++ids}`
  for (let v = 0; v < 70; v++) {
    const visitorId = `visitor-${v}`
    let at = start + Math.floor(rand() * spanDays * DAY)
    const visitsCount = 1 + Math.floor(rand() * 5)
    const sentPurchases: Planned[] = []
    for (let n = 0; n < visitsCount; n++) {
      const visitId = id('visit-')
      // Pairs of visitors (3 and 4, 13 and 14, ...) sign in as one customer on their second visit,
      // signed by the shop's server (the signature is filled in once the site has its secret).
      // Visitors 7, 17, ... claim that customer without a signature: that must merge nothing.
      const customerId = `customer-${Math.floor(v / 10)}`
      const signIn: LoggedEvent[] =
        n === 1 && v % 10 >= 3 && v % 10 <= 4
          ? [{ id: id('e'), type: 'identify', customerId, signature: SIGN_ME }]
          : n === 1 && v % 10 === 7
            ? [{ id: id('e'), type: 'identify', customerId }]
            : []
      plan.push({
        at,
        visitorId,
        visitId,
        kind: 'events',
        events: [
          { id: id('e'), type: 'visit' },
          ...signIn,
          { id: id('e'), type: 'pageview', url: 'https://shop.example/' },
        ],
      })
      plan.push({ at: at + 1, visitorId, visitId, kind: 'decide' })
      if (rand() < 0.45) {
        const orders = rand() < 0.2 ? 2 : 1
        const events: LoggedEvent[] = Array.from({ length: orders }, () => ({
          id: id('p'),
          type: 'purchase',
          orderId: id('order-'),
          revenue: Math.round(rand() * 20000) / 100,
          currency: rand() < 0.1 ? 'EUR' : 'USD',
          ...(rand() < 0.3 ? { discount: Math.round(rand() * 1000) / 100 } : {}),
        }))
        const purchase: Planned = {
          at: at + Math.floor(rand() * 40 * MINUTE) + MINUTE,
          visitorId,
          visitId,
          kind: 'events',
          events,
        }
        plan.push(purchase)
        sentPurchases.push(purchase)
        // A thank-you page reloaded: the very same events again.
        if (rand() < 0.2) plan.push({ ...purchase, at: purchase.at + MINUTE })
      }
      // The same order sent again from a later visit, under new event ids.
      if (n > 0 && sentPurchases.length > 0 && rand() < 0.1) {
        const old = sentPurchases[0]! as Extract<Planned, { kind: 'events' }>
        plan.push({
          at: at + 2 * MINUTE,
          visitorId,
          visitId,
          kind: 'events',
          events: old.events.map((e) => ({ ...e, id: id('again') })),
        })
      }
      at += Math.floor((0.5 + rand() * 40) * DAY)
    }
  }
  // A visit that spans midnight: it begins at 23:55 and its order lands at 00:05 the next day.
  const lateDay = dayOf(start + 20 * DAY, TIME_ZONE)
  const midnight = midnightOf(lateDay, TIME_ZONE) + DAY
  plan.push({
    at: midnight - 5 * MINUTE,
    visitorId: 'night-owl',
    visitId: 'night-visit',
    kind: 'events',
    events: [{ id: 'night-e1', type: 'visit' }],
  })
  plan.push({
    at: midnight + 5 * MINUTE,
    visitorId: 'night-owl',
    visitId: 'night-visit',
    kind: 'events',
    events: [
      { id: 'night-p1', type: 'purchase', orderId: 'night-order', revenue: 42.5, currency: 'USD' },
    ],
  })
  // An order in the very last millisecond of the reported range.
  plan.push({
    at: rangeEnd - 10 * MINUTE,
    visitorId: 'last-second',
    visitId: 'last-visit',
    kind: 'events',
    events: [{ id: 'last-e1', type: 'visit' }],
  })
  plan.push({
    at: rangeEnd - 1,
    visitorId: 'last-second',
    visitId: 'last-visit',
    kind: 'events',
    events: [
      { id: 'last-p1', type: 'purchase', orderId: 'last-order', revenue: 10, currency: 'USD' },
    ],
  })
  return plan.sort((a, b) => a.at - b.at)
}

describe('GET /v1/admin/metrics agrees with an independent computation', () => {
  const start = Date.parse('2026-01-05T15:00:00Z')
  const rangeTo = '2026-03-31'
  const rangeEnd = midnightOf('2026-04-01', TIME_ZONE)
  const log: LogEntry[] = []
  let site: TestSite

  beforeAll(async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    site = await createTestSite({ timeZone: TIME_ZONE, currency: 'USD', lapseDays: 30 })
    vi.setSystemTime(start - DAY)
    await publishRules(site, RULES)
    const identitySecret = await createIdentitySecret(site)
    const plan = planHistory(random(20261123), start, 150, rangeEnd)
    for (const event of plan.flatMap((step) => (step.kind === 'events' ? step.events : []))) {
      if (event.signature === SIGN_ME)
        event.signature = await signCustomerId(identitySecret, event.customerId!)
    }
    for (const step of plan) {
      vi.setSystemTime(step.at)
      if (step.kind === 'events') {
        const response = await postJson('/v1/events', {
          site: site.publicKey,
          visitorId: step.visitorId,
          visitId: step.visitId,
          events: step.events,
        })
        expect(response.status, await response.clone().text()).toBe(200)
        log.push({
          at: step.at,
          kind: 'events',
          visitorId: step.visitorId,
          visitId: step.visitId,
          events: step.events,
        })
      } else {
        const response = await postJson('/v1/decide', {
          site: site.publicKey,
          visitorId: step.visitorId,
          visitId: step.visitId,
          slots: ['hero', 'banner'],
        })
        const hero = ((await response.json()) as DecideResponse).decisions.hero
        log.push({
          at: step.at,
          kind: 'decide',
          visitorId: step.visitorId,
          visitId: step.visitId,
          ruleId: hero?.ruleId ?? null,
          variant: hero?.variant ?? null,
        })
      }
    }
    vi.useRealTimers()
    // Exposures are written after each response: wait until every first exposure is stored.
    const exposed = new Set(log.filter((e) => e.kind === 'decide').map((e) => e.visitorId)).size
    for (let attempt = 0; attempt < 200; attempt++) {
      const row = await siteRow<{ n: number }>(
        site.siteId,
        "SELECT count(*) AS n FROM exposures WHERE rule_id = 'hero-offer'",
      )
      if (row?.n === exposed) break
      await new Promise((done) => setTimeout(done, 50))
    }
  }, 120_000)
  afterAll(() => vi.useRealTimers())

  async function metrics(from: string, to: string): Promise<MetricsReport> {
    const response = await adminFetch(`/v1/admin/metrics?from=${from}&to=${to}`, site.secretKey)
    expect(response.status).toBe(200)
    return (await response.json()) as MetricsReport
  }

  it.each([
    ['the whole history', '2026-01-01', '2026-07-31'],
    ['a quarter ending on the last-second order', '2026-01-01', rangeTo],
    ['thirty days', '2026-02-01', '2026-03-02'],
    [
      'the day after the midnight visit',
      dayOf(start + 21 * DAY, TIME_ZONE),
      dayOf(start + 21 * DAY, TIME_ZONE),
    ],
    ['a range with no data', '2025-06-01', '2025-06-30'],
  ])('%s', async (_name, from, to) => {
    const report = await metrics(from, to)
    expectAgreement(
      report,
      referenceMetrics(log, { currency: 'USD', timeZone: TIME_ZONE, lapseDays: 30 }, from, to, [
        'hero-offer',
      ]),
    )
  })

  it('covers the edge cases it claims to', async () => {
    // The last-second order is placed in the range's last millisecond, and counts in it.
    expect(dayOf(rangeEnd - 1, TIME_ZONE)).toBe(rangeTo)
    expect(dayOf(rangeEnd, TIME_ZONE)).toBe('2026-04-01')
    const lastDay = await metrics(rangeTo, rangeTo)
    expect(lastDay.totals.orders).toBeGreaterThanOrEqual(1)
    expect(lastDay.customers.newInRange).toBeGreaterThanOrEqual(1)
    const whole = await metrics('2026-01-01', '2026-07-31')
    expect(whole.segments.returning.visits).toBeGreaterThan(0)
    expect(whole.segments.repeat.visits).toBeGreaterThan(0)
    expect(whole.offers[0]!.treatment.exposed).toBeGreaterThan(0)
    expect(whole.offers[0]!.control.exposed).toBeGreaterThan(0)
    expect(whole.cohorts.length).toBeGreaterThan(2)
    // Some visitors signed in as one customer: customers are fewer than buying visitors.
    const linked = await siteRow<{ n: number }>(
      site.siteId,
      "SELECT count(*) AS n FROM visitors WHERE person_id LIKE 'c:%'",
    )
    expect(linked?.n).toBeGreaterThan(2)
    // Those who claimed a customer without a signature stayed themselves.
    const claimed = await siteRow<{ n: number; merged: number }>(
      site.siteId,
      "SELECT count(*) AS n, sum(person_id <> visitor_id) AS merged FROM visitors WHERE visitor_id LIKE 'visitor-%7'",
    )
    expect(claimed).toEqual({ n: 7, merged: 0 })
    const empty = await metrics('2025-06-01', '2025-06-30')
    expect(empty.totals).toEqual({ visits: 0, orders: 0, revenue: 0 })
    expect(empty.segments.shopper.conversionRate).toBeNull()
  })

  it('exports the same numbers as CSV', async () => {
    const response = await adminFetch(
      '/v1/admin/metrics.csv?from=2026-01-01&to=2026-03-31',
      site.secretKey,
    )
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8')
    const csv = await response.text()
    const report = await metrics('2026-01-01', '2026-03-31')
    const shopper = csv
      .split('\n')
      .find((row) => row.startsWith('segments,shopper,'))!
      .split(',')
    expect(Number(shopper[3])).toBe(report.segments.shopper.visits)
    expect(Number(shopper[5])).toBe(report.segments.shopper.revenue)
    expect(csv).toContain(`customers,total,${report.customers.total}`)
    expect(csv).toContain('offers,hero-offer,treatment,')
  })
})

describe('metrics requests', () => {
  it('rejects bad dates and reversed ranges', async () => {
    const site = await createTestSite()
    for (const query of [
      'from=2026-13-01&to=2026-12-31',
      'from=yesterday',
      'from=2026-02-01&to=2026-01-01',
      'from=2000-01-01&to=2026-01-01',
    ]) {
      const response = await adminFetch(`/v1/admin/metrics?${query}`, site.secretKey)
      expect(response.status, query).toBe(400)
      expect(((await response.json()) as ErrorJson).error.code).toBe('invalid_request')
    }
  })

  it('defaults to the last 30 days', async () => {
    const site = await createTestSite()
    const report = (await (
      await adminFetch('/v1/admin/metrics', site.secretKey)
    ).json()) as MetricsReport
    expect((Date.parse(report.to) - Date.parse(report.from)) / DAY).toBe(29)
  })
})

describe('bots in the metrics', () => {
  it('reports how many bot requests were filtered in the range', async () => {
    const site = await createTestSite()
    const googlebot = {
      'user-agent': 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
    }
    await postJson(
      '/v1/events',
      {
        site: site.publicKey,
        visitorId: 'bot',
        visitId: 's',
        events: [{ id: 'b1', type: 'visit' }],
      },
      googlebot,
    )
    await postJson(
      '/v1/decide',
      { site: site.publicKey, visitorId: 'bot', visitId: 's', slots: ['hero'] },
      googlebot,
    )
    await expect
      .poll(
        async () =>
          ((await (await adminFetch('/v1/admin/metrics', site.secretKey)).json()) as MetricsReport)
            .botsFiltered,
      )
      .toEqual({ events: 1, decides: 1 })
    const report = (await (
      await adminFetch('/v1/admin/metrics', site.secretKey)
    ).json()) as MetricsReport
    expect(report.totals.visits).toBe(0)
  })
})
