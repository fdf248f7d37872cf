import { SEGMENTS, type MetricsReport } from '@stammis/contract'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import {
  adminFetch,
  createTestSite,
  postJson,
  publishRules,
  type TestSite,
} from '../../../test/helpers'
import { getPage, signedIn } from '../../../test/admin-helpers'
import { siteRow } from '../../../test/ledger'

// The dashboard must show exactly what `GET /v1/admin/metrics` answers for the same range. The
// expected labels are formatted here, independently of the page's own formatters.
const percent = (value: number | null) =>
  value === null
    ? '–'
    : new Intl.NumberFormat('en-US', {
        style: 'percent',
        minimumFractionDigits: 1,
        maximumFractionDigits: 1,
      }).format(value)
const signed = new Intl.NumberFormat('en-US', {
  minimumFractionDigits: 1,
  maximumFractionDigits: 1,
  signDisplay: 'exceptZero',
})
const points = (value: number | null) =>
  value === null ? '–' : `${signed.format(value * 100)} pts`
const money = (value: number | null, sign: 'auto' | 'exceptZero' = 'auto') =>
  value === null
    ? '–'
    : new Intl.NumberFormat('en-US', {
        style: 'currency',
        currency: 'USD',
        signDisplay: sign,
      }).format(value)
const signedPercent = (value: number | null) =>
  value === null
    ? '–'
    : new Intl.NumberFormat('en-US', {
        style: 'percent',
        minimumFractionDigits: 1,
        maximumFractionDigits: 1,
        signDisplay: 'exceptZero',
      }).format(value)

function decode(text: string): string {
  return text
    .replace(/&#(\d+);/g, (_, code) => String.fromCharCode(Number(code)))
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
}

/** The text right after the first tag that contains `marker` (up to the next tag). */
function textAt(html: string, marker: string | RegExp): string {
  const source =
    typeof marker === 'string' ? marker.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : marker.source
  const match = new RegExp(`<[^>]*${source}[^>]*>([^<]*)<`).exec(html)
  if (!match) throw new Error(`nothing matches ${marker}`)
  return decode(match[1]!).trim()
}

/** The part of the page from the element with `marker` to its closing `</tag>`. */
function block(html: string, marker: string, tag = 'tr'): string {
  const start = html.indexOf(marker)
  if (start === -1) throw new Error(`no ${marker}`)
  return html.slice(start, html.indexOf(`</${tag}>`, start))
}

describe('dashboard access', () => {
  it('sends visitors without a session to the sign-in page', async () => {
    const response = await getPage('/admin/dashboard')
    expect(response.status).toBe(303)
    expect(response.headers.get('location')).toBe('/admin/sign-in')
  })

  it('is in the navigation of every admin page', async () => {
    const site = await createTestSite()
    const session = await signedIn(site)
    const html = await (await getPage('/admin', session.cookie)).text()
    expect(html).toContain('<a href="/admin/dashboard">Dashboard</a>')
  })
})

describe('dashboard of a site without data', () => {
  it('explains what to do instead of showing empty charts', async () => {
    const site = await createTestSite()
    const session = await signedIn(site)
    const response = await getPage('/admin/dashboard', session.cookie)
    expect(response.status).toBe(200)
    const html = await response.text()
    expect(html).toContain('data-empty="visits"')
    expect(html).toContain('install the script tag')
    expect(html).toContain(`data-site=&quot;${site.publicKey}&quot;`)
    expect(html).toContain('data-empty="customers"')
    expect(html).toContain('Orders appear after the first purchase event or an order import.')
    expect(html).toContain('data-empty="offers"')
    expect(html).toContain('Add a holdout to a rule to measure its lift')
    expect(html).not.toContain('<svg')
    // The default range is the last 30 days, and its quick link says so.
    expect(html).toMatch(/class="active" data-days="30"/)
  })
})

describe('bots on the dashboard', () => {
  it('shows how many bot requests were filtered out', async () => {
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
    const session = await signedIn(site)
    await expect
      .poll(async () =>
        (await (await getPage('/admin/dashboard', session.cookie)).text()).includes(
          'bots filtered out: 1 event batches, 0 decide calls',
        ),
      )
      .toBe(true)
  })
})

describe('dashboard ranges', () => {
  let site: TestSite
  let cookie: string
  beforeAll(async () => {
    site = await createTestSite()
    cookie = (await signedIn(site)).cookie
  })

  it.each([
    [
      'a month that does not exist',
      'from=2026-13-01&to=2026-12-31',
      'The start date “2026-13-01” is not a date.',
    ],
    ['a word', 'from=2026-01-01&to=yesterday', 'The end date “yesterday” is not a date.'],
    [
      'a reversed range',
      'from=2026-02-01&to=2026-01-01',
      'The start date (2026-02-01) is after the end date (2026-01-01).',
    ],
    ['more than ten years', 'from=2000-01-01&to=2026-01-01', 'A report covers at most 3660 days'],
  ])('shows %s as an error on the page, keeping what was typed', async (_name, query, message) => {
    const response = await getPage(`/admin/dashboard?${query}`, cookie)
    expect(response.status).toBe(400)
    const html = decode(await response.text())
    expect(html).toContain('id="range-error"')
    expect(html).toContain(message)
    expect(html).toContain(`value="${new URLSearchParams(query).get('to')}"`)
    expect(html).not.toContain('Download CSV')
  })

  it('treats an empty date input as the default', async () => {
    const response = await getPage('/admin/dashboard?from=&to=2026-03-31', cookie)
    expect(response.status).toBe(200)
    const html = await response.text()
    expect(html).toContain('href="/v1/admin/metrics.csv?from=2026-03-02&amp;to=2026-03-31"')
  })
})

describe('dashboard of a shop with history', () => {
  const from = '2026-01-01'
  const to = '2026-03-31'
  const at = (iso: string) => Date.parse(iso)
  let site: TestSite
  let html: string
  let report: MetricsReport

  // Alice buys in two visits (Jan, Feb) and comes back in March; Bob buys once and comes back
  // without buying; Carol never buys; Dan buys in March. Everyone sees the hero, which has a
  // 50% holdout.
  const visits: {
    at: string
    visitor: string
    visit: string
    order?: { id: string; revenue: number; discount?: number }
  }[] = [
    {
      at: '2026-01-10T12:00:00Z',
      visitor: 'alice',
      visit: 'a1',
      order: { id: 'A-1', revenue: 40, discount: 4 },
    },
    { at: '2026-01-15T09:00:00Z', visitor: 'bob', visit: 'b1', order: { id: 'B-1', revenue: 25 } },
    { at: '2026-02-03T18:00:00Z', visitor: 'carol', visit: 'c1' },
    {
      at: '2026-02-12T10:00:00Z',
      visitor: 'alice',
      visit: 'a2',
      order: { id: 'A-2', revenue: 60 },
    },
    { at: '2026-03-05T08:00:00Z', visitor: 'bob', visit: 'b2' },
    { at: '2026-03-20T20:00:00Z', visitor: 'alice', visit: 'a3' },
    { at: '2026-03-25T11:00:00Z', visitor: 'carol', visit: 'c2' },
    {
      at: '2026-03-28T15:00:00Z',
      visitor: 'dan',
      visit: 'd1',
      order: { id: 'D-1', revenue: 30, discount: 3 },
    },
  ]

  async function metrics(rangeFrom: string, rangeTo: string): Promise<MetricsReport> {
    const response = await adminFetch(
      `/v1/admin/metrics?from=${rangeFrom}&to=${rangeTo}`,
      site.secretKey,
    )
    expect(response.status).toBe(200)
    return (await response.json()) as MetricsReport
  }

  beforeAll(async () => {
    site = await createTestSite({ currency: 'USD', lapseDays: 30 })
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(at('2026-01-01T00:00:00Z'))
    await publishRules(site, [
      {
        id: 'hero-offer',
        slot: 'hero',
        status: 'live',
        holdoutPercent: 50,
        content: { type: 'text', value: 'Hi' },
        offer: { kind: 'percent', value: 10 },
      },
    ])
    let n = 0
    for (const step of visits) {
      vi.setSystemTime(at(step.at))
      const ids = { site: site.publicKey, visitorId: step.visitor, visitId: step.visit }
      expect(
        (await postJson('/v1/events', { ...ids, events: [{ id: `e${++n}`, type: 'visit' }] }))
          .status,
      ).toBe(200)
      expect((await postJson('/v1/decide', { ...ids, slots: ['hero'] })).status).toBe(200)
      if (step.order) {
        vi.setSystemTime(at(step.at) + 10 * 60_000)
        const purchase = {
          id: `e${++n}`,
          type: 'purchase',
          orderId: step.order.id,
          revenue: step.order.revenue,
          currency: 'USD',
          discount: step.order.discount,
        }
        expect((await postJson('/v1/events', { ...ids, events: [purchase] })).status).toBe(200)
      }
    }
    vi.useRealTimers()
    // Exposures are stored after the decide response: wait for all four visitors'.
    for (let attempt = 0; attempt < 100; attempt++) {
      const row = await siteRow<{ n: number }>(site.siteId, 'SELECT count(*) AS n FROM exposures')
      if (row?.n === 4) break
      await new Promise((done) => setTimeout(done, 50))
    }
    const session = await signedIn(site)
    const response = await getPage(`/admin/dashboard?from=${from}&to=${to}`, session.cookie)
    expect(response.status).toBe(200)
    html = await response.text()
    report = await metrics(from, to)
  }, 60_000)
  afterAll(() => vi.useRealTimers())

  it('shows the numbers this story must produce', () => {
    // Hand-checked, so the comparisons below compare something real.
    expect(report.customers.total).toBe(3)
    expect(textAt(html, 'data-stat="total"><div class="stat-value"')).toBe('3')
    expect(textAt(html, 'data-stat="repeatRate"><div class="stat-value"')).toBe('33.3%')
    expect(textAt(html, 'data-stat="lapsedRate"><div class="stat-value"')).toBe('66.7%')
    expect(textAt(html, 'data-group="repeat" data-series="traffic"')).toBe('12.5% of visits')
    expect(textAt(html, 'data-group="shopper" data-series="revenue"')).toBe(
      `${percent(95 / 155)} of revenue`,
    )
    expect(block(html, 'data-cohort="2026-01"')).toContain('>50.0%<')
    expect(html).toContain('href="/v1/admin/metrics.csv?from=2026-01-01&amp;to=2026-03-31"')
  })

  it('shows each segment’s traffic share, revenue share and conversion as the API reports them', () => {
    for (const segment of SEGMENTS) {
      const m = report.segments[segment]
      expect(textAt(html, `data-group="${segment}" data-series="traffic"`), segment).toBe(
        `${percent(m.trafficShare)} of visits`,
      )
      expect(textAt(html, `data-group="${segment}" data-series="revenue"`), segment).toBe(
        `${percent(m.revenueShare)} of revenue`,
      )
      expect(textAt(html, `data-group="${segment}" data-series="conversion"`), segment).toBe(
        percent(m.conversionRate),
      )
      const row = block(html, `<tr data-segment="${segment}"`)
      expect(textAt(row, 'data-metric="visits"')).toBe(String(m.visits))
      expect(textAt(row, 'data-metric="orders"')).toBe(String(m.orders))
      expect(textAt(row, 'data-metric="revenue"')).toBe(money(m.revenue))
      expect(textAt(row, 'data-metric="aov"')).toBe(money(m.aov))
    }
    // Accessible text names every chart.
    expect(html).toContain(
      '<title id="chart-shares-title">Share of visits and share of revenue per segment</title>',
    )
    expect(html).toContain(
      `Repeat: ${percent(report.segments.repeat.trafficShare)} of visits, ${percent(report.segments.repeat.revenueShare)} of revenue.`,
    )
  })

  it('shows the customer numbers as the API reports them', () => {
    const c = report.customers
    expect(textAt(html, 'data-stat="total"><div class="stat-value"')).toBe(String(c.total))
    expect(textAt(html, 'data-stat="repeatRate"><div class="stat-value"')).toBe(
      percent(c.repeatRate),
    )
    expect(textAt(html, 'data-stat="lapsedRate"><div class="stat-value"')).toBe(
      percent(c.lapsedRate),
    )
    expect(textAt(html, 'data-stat="retentionRate"><div class="stat-value"')).toBe(
      percent(c.retentionRate),
    )
    expect(textAt(html, 'data-stat="revenuePerCustomer"><div class="stat-value"')).toBe(
      money(c.revenuePerCustomer),
    )
    const days = textAt(html, 'data-stat="medianDaysBetweenPurchases"><div class="stat-value"')
    expect(days).toBe(
      `${new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 }).format(c.medianDaysBetweenPurchases!)} days`,
    )
  })

  it('plots repeat rate and churn at each month end, as the API reports them for that day', async () => {
    const monthEnds = ['2026-01-31', '2026-02-28', '2026-03-31']
    for (const [index, day] of monthEnds.entries()) {
      const asOf = await metrics(day, day)
      expect(textAt(html, `data-series="repeat-rate" data-index="${index}"`), day).toBe(
        percent(asOf.customers.repeatRate),
      )
      expect(textAt(html, `data-series="lapsed-rate" data-index="${index}"`), day).toBe(
        percent(asOf.customers.lapsedRate),
      )
    }
    expect(html).not.toContain('data-index="3"')
  })

  it('shows every cohort and its later months as the API reports them', () => {
    expect(report.cohorts.map((cohort) => cohort.month)).toEqual(['2026-01', '2026-03'])
    for (const cohort of report.cohorts) {
      const row = block(html, `data-cohort="${cohort.month}"`)
      expect(textAt(row, 'data-metric="customers"')).toBe(String(cohort.customers))
      for (const later of cohort.later)
        expect(textAt(row, `data-month="${later.month}"`), later.month).toBe(percent(later.share))
    }
  })

  it('shows each offer’s arms, lift, interval and verdict as the API reports them', () => {
    expect(report.offers.map((offer) => offer.ruleId)).toEqual(['hero-offer'])
    const offer = report.offers[0]!
    expect(offer.treatment.exposed + offer.control.exposed).toBe(4)
    const row = block(html, 'data-rule="hero-offer"')
    const arms = (metric: string) => block(row, `data-metric="${metric}"`, 'td')
    expect(textAt(arms('exposed'), 'data-arm="treatment"')).toBe(String(offer.treatment.exposed))
    expect(textAt(arms('exposed'), 'data-arm="control"')).toBe(String(offer.control.exposed))
    expect(textAt(arms('conversion'), 'data-arm="treatment"')).toBe(
      percent(offer.treatment.conversionRate),
    )
    expect(textAt(arms('conversion'), 'data-arm="control"')).toBe(
      percent(offer.control.conversionRate),
    )
    expect(textAt(row, 'data-value="lift"')).toBe(points(offer.lift))
    const interval =
      offer.liftLow === null
        ? 'no interval yet'
        : `${points(offer.liftLow)} to ${points(offer.liftHigh)}`
    expect(textAt(row, 'data-value="interval"')).toBe(interval)
    expect(textAt(row, 'data-metric="relativeLift"')).toBe(signedPercent(offer.relativeLift))
    expect(textAt(arms('netRevenuePerExposed'), 'data-arm="treatment"')).toBe(
      money(offer.treatment.netRevenuePerExposed),
    )
    expect(textAt(arms('netRevenuePerExposed'), 'data-arm="control"')).toBe(
      money(offer.control.netRevenuePerExposed),
    )
    expect(textAt(row, 'data-metric="netRevenuePerExposedLift"')).toBe(
      money(offer.netRevenuePerExposedLift, 'exceptZero'),
    )
    // Four visitors cannot make a lift significant.
    expect(offer.isSignificant).toBe(false)
    expect(textAt(row, 'data-value="verdict"')).toBe('not yet significant')
  })
})
