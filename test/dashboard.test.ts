// End-to-end: after the demo flow in the demo shop (a visitor buys, comes back in a new session,
// buys again, comes back; another only looks around), the shop owner signs in to /admin and the
// dashboard's charts show what GET /v1/admin/metrics answers for the same range. With
// STAMMIS_SCREENSHOTS=1 it also writes docs/screenshots/dashboard.png.
import { mkdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { buyGrinder, launchChromium } from './browser'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
// @ts-expect-error plain ESM helpers without types
import { startShop } from '../examples/server.mjs'
// @ts-expect-error plain ESM helpers without types
import { freePort, startLocalWorker } from '../scripts/local-worker.mjs'

const SCREENSHOTS = process.env.STAMMIS_SCREENSHOTS === '1'
const screenshotDir = join(dirname(fileURLToPath(import.meta.url)), '../docs/screenshots')
const SEGMENTS = ['shopper', 'returning', 'repeat'] as const

/** The dashboard's percent format, written here on its own: one decimal, "–" without a value. */
const percent = (value: number | null) =>
  value === null
    ? '–'
    : new Intl.NumberFormat('en-US', {
        style: 'percent',
        minimumFractionDigits: 1,
        maximumFractionDigits: 1,
      }).format(value)
const usd = (value: number | null) =>
  value === null
    ? '–'
    : new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).format(value)

type Report = {
  from: string
  to: string
  segments: Record<
    (typeof SEGMENTS)[number],
    {
      visits: number
      revenue: number
      conversionRate: number | null
      trafficShare: number | null
      revenueShare: number | null
    }
  >
  customers: {
    total: number
    repeatRate: number | null
    lapsedRate: number | null
    revenuePerCustomer: number | null
  }
  cohorts: { month: string; customers: number }[]
  offers: unknown[]
}

let browser: Browser
let worker: { url: string; stop: () => Promise<void> }
let shop: { url: string; stop: () => Promise<void> }
/** A visitor's browser: the worker answers but does not count headless browsers (src/http/bots.ts). */
let visitor: { userAgent: string }

beforeAll(async () => {
  worker = await startLocalWorker({ port: await freePort(), quiet: true })
  ;[shop, browser] = await Promise.all([
    startShop({ port: 0, workerUrl: worker.url }),
    launchChromium(),
  ])
  visitor = {
    userAgent: `Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${browser.version()} Safari/537.36`,
  }
})
afterAll(async () => {
  await browser?.close()
  await shop?.stop()
  await worker?.stop()
})

const heroFilled = (page: Page) =>
  page.waitForFunction(
    () =>
      document.querySelector('[data-stammis-slot=hero]')?.textContent !== 'Good coffee, delivered.',
  )

/** A new browser session of the same visitor (cookies and localStorage kept, sessionStorage new). */
async function comeBack(
  previous: BrowserContext,
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    ...visitor,
    storageState: await previous.storageState(),
  })
  const page = await context.newPage()
  await page.goto(shop.url + '/')
  await heroFilled(page)
  return { context, page }
}

async function metrics(from: string, to: string): Promise<Report> {
  const response = await fetch(`${worker.url}/v1/admin/metrics?from=${from}&to=${to}`, {
    headers: { authorization: 'Bearer sk_demo' },
  })
  expect(response.status).toBe(200)
  return (await response.json()) as Report
}

describe('dashboard after the demo flow', () => {
  let admin: BrowserContext
  let page: Page
  let report: Report
  const requests: string[] = []
  const errors: string[] = []

  it('records a visitor who buys, comes back and buys again, comes back; and one who only looks', async () => {
    const first = await browser.newContext(visitor)
    const p1 = await first.newPage()
    await p1.goto(shop.url + '/')
    await heroFilled(p1)
    await buyGrinder(p1, shop.url)
    const second = await comeBack(first)
    await buyGrinder(second.page, shop.url)
    const third = await comeBack(second.context)
    const looker = await browser.newContext(visitor)
    const p4 = await looker.newPage()
    await p4.goto(shop.url + '/')
    await heroFilled(p4)
    await Promise.all([
      first.close(),
      second.context.close(),
      third.context.close(),
      looker.close(),
    ])
  })

  it('signs in and opens the dashboard from the navigation', async () => {
    admin = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      acceptDownloads: true,
    })
    page = await admin.newPage()
    page.on('pageerror', (e) => errors.push(String(e)))
    page.on('request', (r) => requests.push(r.url()))
    await page.goto(worker.url + '/admin/dashboard')
    await page.waitForURL('**/admin/sign-in')
    await page.fill('#name', 'Maria')
    await page.fill('#key', 'sk_demo')
    await page.click('button[type=submit]')
    await page.waitForURL(worker.url + '/admin')
    await page.click('nav >> text=Dashboard')
    await page.waitForURL('**/admin/dashboard')
    expect(await page.textContent('h1')).toBe('Dashboard')

    // The default range: the last 30 days (the demo shop counts days in UTC).
    const to = await page.inputValue('#d-to')
    const from = await page.inputValue('#d-from')
    expect(to).toBe(new Date().toISOString().slice(0, 10))
    expect((Date.parse(to) - Date.parse(from)) / 86_400_000).toBe(29)
    expect(await page.getAttribute('nav.quick a.active', 'data-days')).toBe('30')
    report = await metrics(from, to)
    expect(report.segments.shopper.visits).toBe(2)
    expect(report.segments.returning.visits).toBe(1)
    expect(report.segments.repeat.visits).toBe(1)
  })

  it('shows each segment’s share of visits and of revenue as the metrics API reports them', async () => {
    for (const segment of SEGMENTS) {
      const m = report.segments[segment]
      const label = (series: string) =>
        page.textContent(
          `#chart-shares text.value[data-group="${segment}"][data-series="${series}"]`,
        )
      expect(await label('traffic'), segment).toBe(`${percent(m.trafficShare)} of visits`)
      expect(await label('revenue'), segment).toBe(`${percent(m.revenueShare)} of revenue`)
      expect(
        await page.textContent(`#chart-conversion text.value[data-group="${segment}"]`),
        segment,
      ).toBe(percent(m.conversionRate))
      expect(
        await page.textContent(
          `#segment-table tr[data-segment="${segment}"] [data-metric="revenue"]`,
        ),
      ).toBe(usd(m.revenue))
    }
    // What this flow must give: two of four visits were new visitors', and each bought once in
    // the shopper visit and once in the returning one.
    expect(
      await page.textContent(
        '#chart-shares text.value[data-group="shopper"][data-series="traffic"]',
      ),
    ).toBe('50.0% of visits')
    expect(
      await page.textContent(
        '#chart-shares text.value[data-group="repeat"][data-series="revenue"]',
      ),
    ).toBe('0.0% of revenue')
    expect(await page.textContent('#chart-conversion text.value[data-group="returning"]')).toBe(
      '100.0%',
    )
    // The charts are drawn and named for screen readers.
    for (const chart of ['#chart-shares', '#chart-conversion', '#chart-trend']) {
      expect(await page.locator(`${chart}`).getAttribute('role')).toBe('img')
      expect((await page.textContent(`${chart} > title`))!.length).toBeGreaterThan(10)
      const box = await page.locator(chart).boundingBox()
      expect(box!.width).toBeGreaterThan(300)
    }
    expect(await page.locator('#chart-shares g.bar rect.series-revenue').count()).toBe(3)
  })

  it('shows the customer, trend and cohort numbers as the metrics API reports them', async () => {
    const stat = (metric: string) => page.textContent(`[data-stat="${metric}"] .stat-value`)
    expect(await stat('total')).toBe(String(report.customers.total))
    expect(await stat('repeatRate')).toBe(percent(report.customers.repeatRate))
    expect(await stat('lapsedRate')).toBe(percent(report.customers.lapsedRate))
    expect(await stat('revenuePerCustomer')).toBe(usd(report.customers.revenuePerCustomer))
    expect(report.customers.total).toBe(1)
    expect(await stat('repeatRate')).toBe('100.0%')
    // The last point of the trend is the end of the range.
    const last = page.locator('#chart-trend text.value[data-series="repeat-rate"]').last()
    expect(await last.textContent()).toBe(percent(report.customers.repeatRate))
    // This month's cohort: the one customer, who first bought this month.
    const month = new Date().toISOString().slice(0, 7)
    expect(report.cohorts.map((c) => c.month)).toContain(month)
    expect(
      await page.textContent(`#cohort-table tr[data-cohort="${month}"] [data-metric="customers"]`),
    ).toBe('1')
    // The demo rules have no holdout, so the offers section says how to get one.
    expect(report.offers).toEqual([])
    expect(await page.textContent('[data-empty="offers"]')).toContain(
      'Add a holdout to a rule to measure its lift',
    )
  })

  it('downloads the same range as CSV with the session cookie', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#csv')])
    expect(download.suggestedFilename()).toBe(`stammis-metrics-${report.from}-to-${report.to}.csv`)
    const csv = readFileSync((await download.path())!, 'utf8')
    const shopper = csv
      .split('\n')
      .find((row) => row.startsWith('segments,shopper,'))!
      .split(',')
    expect(Number(shopper[3])).toBe(report.segments.shopper.visits)
    expect(csv).toContain(`customers,total,${report.customers.total}`)
  })

  it('changes the range with a quick link, and uses nothing but the worker', async () => {
    await page.click('nav.quick a[data-days="7"]')
    await page.waitForURL('**/admin/dashboard?from=*')
    expect(await page.getAttribute('nav.quick a.active', 'data-days')).toBe('7')
    expect(
      await page.textContent(
        '#chart-shares text.value[data-group="shopper"][data-series="traffic"]',
      ),
    ).toBe('50.0% of visits')
    if (SCREENSHOTS) {
      mkdirSync(screenshotDir, { recursive: true })
      await page.goto(worker.url + '/admin/dashboard')
      await page.screenshot({ path: join(screenshotDir, 'dashboard.png'), fullPage: true })
    }
    expect(requests.filter((url) => !url.startsWith(worker.url))).toEqual([])
    expect(errors).toEqual([])
    await admin.close()
  })
})
