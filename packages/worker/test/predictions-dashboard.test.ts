import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { ledgerFor, ledgerSite } from '../src/ledger/client'
import { addDays } from '../src/lib/days'
import { localDay } from '../src/lib/time-zone'
import {
  customerLifetimeValue,
  isDueForReorder,
  pAlive,
  reorderGapDays,
} from '../src/predictions/model'
import { CALIBRATION_WEEKS, loadPredictionsPanel } from '../src/predictions/panel'
import { latestFit } from '../src/predictions/store'
import { findSiteById } from '../src/sites/queries'
import { getPage, signedIn } from './admin-helpers'
import { adminFetch, createTestSite, type TestSite } from './helpers'
import { ledgerSiteOf, serverOrder } from './ledger'

// The dashboard's predictions panel: what it lists is what the figures say, checked customer by
// customer with the model's own functions, and the page shows the panel.

const DAY = 86_400_000

/** A customer's purchases, `daysAgo` each, revenue each. */
async function history(
  site: TestSite,
  customers: Record<string, [daysAgo: number, revenue: number][]>,
) {
  const now = Date.now()
  await ledgerFor(env, site.siteId).storeServerOrders(
    await ledgerSiteOf(site.siteId),
    Object.entries(customers).flatMap(([customer, orders]) =>
      orders.map(([ago, revenue], index) =>
        serverOrder(`${customer}-${index}`, now - ago * DAY, {
          customer,
          revenueMicros: revenue * 1_000_000,
        }),
      ),
    ),
    'import',
    now,
  )
}

describe('the predictions panel', () => {
  it('lists at-risk and due customers exactly by their figures, and calibrates on 8 weeks ago', async () => {
    const site = await createTestSite()
    const shop: Record<string, [number, number][]> = {
      // Bought often, then stopped: slipping away, with money.
      slipping: [
        [400, 300],
        [380, 300],
        [360, 300],
        [340, 300],
        [320, 300],
        [300, 300],
      ],
      // Bought weekly, quiet for six weeks since: cooling down, still worth a lot.
      cooling: [
        [84, 300],
        [77, 300],
        [70, 300],
        [63, 300],
        [56, 300],
        [49, 300],
        [42, 300],
      ],
      // Every 30 days, the last 30 days ago: due this week.
      regular: [
        [150, 40],
        [120, 40],
        [90, 40],
        [60, 40],
        [30, 40],
      ],
      // Bought twice within the calibration window's weeks.
      recent: [
        [100, 20],
        [40, 20],
        [20, 20],
      ],
    }
    for (let i = 0; i < 12; i++) shop[`once-${i}`] = [[200 + i * 10, 15]]
    await history(site, shop)
    const fitted = await adminFetch('/v1/admin/predictions/fit', site.secretKey, { method: 'POST' })
    expect(fitted.status).toBe(200)

    const found = (await findSiteById(env.DB, site.siteId))!
    const today = localDay(Date.now(), found.timeZone)
    const panel = await loadPredictionsPanel(env, found, today)
    const fit = (await latestFit(env.DB, site.siteId))!
    expect(panel.fit?.shrunk).toBe(true)
    expect(panel.customers).toBe(16)

    // Every customer's figures, from the same summary, independently.
    const summary = await ledgerFor(env, site.siteId).predictionInputs(ledgerSite(found), today)
    const figures = summary.customers.map((c) => ({
      id: c.customerId,
      alive: pAlive(fit.bgnbd, c.x, c.tx, c.T),
      clv: customerLifetimeValue(fit.bgnbd, fit.gammaGamma, c, { horizonWeeks: 52 }),
      due: [0, 1, 2, 3, 4, 5, 6].some((d) =>
        isDueForReorder({
          today: addDays(today, d),
          lastDay: c.lastDay,
          gapDays: reorderGapDays(fit.bgnbd, c),
        }),
      ),
    }))
    const median = fit.clvCuts[49]!
    const atRisk = figures.filter((f) => f.alive < 0.5 && f.clv > median).map((f) => f.id)
    expect(panel.atRisk.count).toBe(atRisk.length)
    expect(panel.atRisk.top.map((row) => row.customerId).sort()).toEqual(atRisk.sort())
    // Cooling down but worth a lot: at risk. Long gone and worth little now: not.
    expect(atRisk).toContain('c:id:cooling')
    expect(atRisk).not.toContain('c:id:slipping')
    const due = figures.filter((f) => f.due).map((f) => f.id)
    expect(panel.dueThisWeek.top.map((row) => row.customerId).sort()).toEqual(due.sort())
    expect(due).toContain('c:id:regular')
    expect(panel.bands.reduce((sum, band) => sum + band.customers, 0)).toBe(16)

    // Calibration: purchases in the 8 weeks after 56 days ago by customers who had bought by then:
    // regular at 30 days ago, recent at 40 and 20, cooling at 49 and 42.
    expect(panel.calibration?.weeks).toHaveLength(CALIBRATION_WEEKS)
    expect(panel.calibration!.weeks.reduce((sum, week) => sum + week.actual, 0)).toBe(5)
    expect(panel.calibration!.weeks.every((week) => week.expected >= 0)).toBe(true)

    // The page shows it.
    const session = await signedIn(site)
    const html = await (await getPage('/admin/dashboard', session.cookie)).text()
    expect(html).toContain('id="predictions"')
    expect(html).toContain('id="prediction-shrunk"')
    expect(html).toMatch(new RegExp(`data-metric="at-risk-count">${panel.atRisk.count}<`))
    expect(html).toContain('data-customer="c:id:cooling"')
    expect(html).toContain('data-customer="c:id:regular"')
    expect(html).toContain('id="calibration"')
    expect(html).toContain('id="clv-distribution"')
  })

  it('says how to get a fit when there is none', async () => {
    const site = await createTestSite()
    const session = await signedIn(site)
    const html = await (await getPage('/admin/dashboard', session.cookie)).text()
    expect(html).toContain('data-empty="predictions"')
  })

  it('follows the at-risk threshold setting', async () => {
    const site = await createTestSite()
    await history(site, {
      a: [
        [400, 300],
        [380, 300],
        [360, 300],
        [300, 300],
      ],
      b: [[10, 5]],
    })
    await adminFetch('/v1/admin/predictions/fit', site.secretKey, { method: 'POST' })
    const found = (await findSiteById(env.DB, site.siteId))!
    const today = localDay(Date.now(), found.timeZone)
    const before = await loadPredictionsPanel(env, found, today)
    await adminFetch('/v1/admin/site', site.secretKey, {
      method: 'PATCH',
      body: JSON.stringify({ predictions: { atRiskBelow: 0.01 } }),
    })
    const after = await loadPredictionsPanel(env, found, today)
    expect(before.atRiskBelow).toBe(0.5)
    expect(after.atRiskBelow).toBe(0.01)
    expect(after.atRisk.count).toBeLessThanOrEqual(before.atRisk.count)
    expect(after.atRisk.top.every((row) => row.pAlive < 0.01)).toBe(true)
  })
})
