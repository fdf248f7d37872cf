import type { CustomerPrediction, PredictionFitAnswer } from '@stammis/contract'
import { createScheduledController, env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { ledgerFor } from '../src/ledger/client'
import { conditionalExpectedPurchases } from '../src/predictions/model'
import { refitSites } from '../src/predictions/scheduled'
import { KEPT_FITS_PER_SITE, latestFit, recentFits } from '../src/predictions/store'
import worker from '../src/index'
import { parseCdnow } from './cdnow'
import sampleText from './fixtures/cdnow/CDNOW_sample.txt?raw'
import { adminFetch, createTestSite, type ErrorJson, type TestSite } from './helpers'
import { ledgerSiteOf } from './ledger'

// The plumbing of issue 12's fit, through the routes: CDNOW's sample imported as orders through
// the admin orders API (into the site's ledger), summarised there in SQL, fitted, stored in D1, and
// read back per customer. The model's own tests check the math; this checks that import → summary
// → fit loses nothing.

const CALIBRATION_END = '1997-09-30'
const HOLDOUT_END = '1998-06-30'
const PAPER_TOLERANCE = 0.005
const relativeError = (value: number, exact: number) => Math.abs(value - exact) / Math.abs(exact)

/** Orders as the shop's server imports history: `POST /v1/admin/orders?source=import`, 1,000 a call. */
async function importOrders(
  site: TestSite,
  orders: { customerId: string; day: string; revenue: number }[],
): Promise<void> {
  for (let start = 0; start < orders.length; start += 1000) {
    const response = await adminFetch('/v1/admin/orders?source=import', site.secretKey, {
      method: 'POST',
      body: JSON.stringify({
        orders: orders.slice(start, start + 1000).map((order, index) => ({
          orderId: `cdnow-${start + index}`,
          customerId: order.customerId,
          revenue: order.revenue,
          currency: 'USD',
          placedAt: `${order.day}T12:00:00Z`,
        })),
      }),
    })
    expect(response.status).toBe(200)
  }
}

async function fit(site: TestSite, body?: unknown): Promise<Response> {
  return adminFetch('/v1/admin/predictions/fit', site.secretKey, {
    method: 'POST',
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
}

describe('POST /v1/admin/predictions/fit on CDNOW, imported as orders', () => {
  it("gives the papers' figures as of 1997-09-30 within 0.5%, and serves customer 0001's worked example", async () => {
    const site = await createTestSite()
    const orders = parseCdnow(sampleText, 'sample')
    await importOrders(site, orders)

    const response = await fit(site, { asOf: CALIBRATION_END })
    expect(response.status).toBe(200)
    const answer = (await response.json()) as PredictionFitAnswer
    expect(answer).toMatchObject({
      asOf: CALIBRATION_END,
      customers: 2357,
      timeUnit: 'week',
      gammaGamma: { customers: 946 },
      shrunk: false,
      threshold: 50,
    })
    const paper = {
      r: 0.2426,
      alpha: 4.4135,
      a: 0.7929,
      b: 2.4258,
      logLikelihood: -9582.4,
      p: 6.25,
      q: 3.74,
      gamma: 15.44,
    }
    const served = { ...answer.bgnbd, ...answer.gammaGamma }
    for (const [name, value] of Object.entries(paper))
      expect(relativeError(served[name as keyof typeof served], value), name).toBeLessThan(
        PAPER_TOLERANCE,
      )
    console.log(
      `CDNOW sample through the routes (import → ledger summary → fit), ${answer.fitMs} ms: ` +
        `r ${answer.bgnbd.r.toFixed(4)}, α ${answer.bgnbd.alpha.toFixed(4)}, a ${answer.bgnbd.a.toFixed(4)}, ` +
        `b ${answer.bgnbd.b.toFixed(4)}, LL ${answer.bgnbd.logLikelihood.toFixed(1)}; ` +
        `p ${answer.gammaGamma.p.toFixed(3)}, q ${answer.gammaGamma.q.toFixed(3)}, γ ${answer.gammaGamma.gamma.toFixed(3)}`,
    )

    // The paper's worked example: customer 0001 (x = 2, tx = 30.43, T = 38.86), 39 weeks: 1.226.
    const customer = await adminFetch(
      `/v1/admin/customers/0001/prediction?asOf=${CALIBRATION_END}&horizonDays=273`,
      site.secretKey,
    )
    expect(customer.status).toBe(200)
    const figures = (await customer.json()) as CustomerPrediction
    expect(figures.x).toBe(2)
    expect(figures.tx).toBeCloseTo(30.43, 2)
    expect(figures.T).toBeCloseTo(38.86, 2)
    expect(relativeError(figures.expectedPurchases, 1.226)).toBeLessThan(PAPER_TOLERANCE)
    expect(figures.pAlive).toBeGreaterThan(0)
    expect(figures.pAlive).toBeLessThan(1)
    expect(figures.clv).toBeCloseTo(figures.expectedPurchases * figures.expectedSpendPerPurchase, 6)
    expect(figures.expectedNextPurchaseAt).toMatch(/^1997-1[0-2]-\d\d$/)

    // Holdout: the 39 weeks after 1997-09-30, whole sample, predicted (sum of each customer's
    // conditional expectation) vs actual (purchase days the ledger counts in the holdout).
    const ledger = ledgerFor(env, site.siteId)
    const found = await ledgerSiteOf(site.siteId)
    const calibration = await ledger.predictionInputs(found, CALIBRATION_END)
    const whole = await ledger.predictionInputs(found, HOLDOUT_END)
    const actual = whole.purchaseDays - calibration.purchaseDays
    const predicted = calibration.customers.reduce(
      (sum, c) => sum + conditionalExpectedPurchases(answer.bgnbd, c.x, c.tx, c.T, 39),
      0,
    )
    console.log(
      `CDNOW holdout 1997-10-01..1998-06-30 (39 weeks, 2,357 customers): predicted ${predicted.toFixed(1)}, actual ${actual}`,
    )
    expect(actual).toBe(1882)
    expect(relativeError(predicted, actual)).toBeLessThan(0.15)

    // The fit is stored: the latest, with the CLV percentile cuts decide ranks customers by.
    const stored = await latestFit(env.DB, site.siteId)
    expect(stored?.clvCuts).toHaveLength(99)
    expect(stored!.clvCuts[98]!).toBeGreaterThan(stored!.clvCuts[49]!)
    const latest = await adminFetch('/v1/admin/predictions/fit', site.secretKey)
    expect(await latest.json()).toEqual(answer)
  }, 60_000)
})

describe('the prediction routes, small shops and mistakes', () => {
  it('shrinks a small shop toward the priors and says so; defaults asOf to today', async () => {
    const site = await createTestSite()
    await importOrders(site, [
      { customerId: 'a', day: '2026-01-05', revenue: 20 },
      { customerId: 'a', day: '2026-02-05', revenue: 30 },
      { customerId: 'b', day: '2026-01-20', revenue: 15 },
      { customerId: 'c', day: '2026-03-01', revenue: 40 },
    ])
    const response = await fit(site)
    expect(response.status).toBe(200)
    const answer = (await response.json()) as PredictionFitAnswer
    expect(answer).toMatchObject({ customers: 3, shrunk: true, threshold: 50 })
    expect(answer.asOf).toBe(new Date().toISOString().slice(0, 10))
    // With three customers the fit is all but the prior (CDNOW's r = 0.243, α = 4.41).
    expect(answer.bgnbd.r).toBeGreaterThan(0.1)
    expect(answer.bgnbd.r).toBeLessThan(0.6)
    const customer = await adminFetch('/v1/admin/customers/a/prediction', site.secretKey)
    expect(customer.status).toBe(200)
    expect(await customer.json()).toMatchObject({ x: 1 })
  })

  it('refuses a site with nothing to fit, a prediction before any fit, and an unknown customer', async () => {
    const site = await createTestSite()
    const empty = await fit(site, { asOf: '2026-01-01' })
    expect(empty.status).toBe(409)
    expect(((await empty.json()) as ErrorJson).error.code).toBe('nothing_to_fit')
    const noFit = await adminFetch('/v1/admin/customers/a/prediction', site.secretKey)
    expect(noFit.status).toBe(409)
    expect(((await noFit.json()) as ErrorJson).error.code).toBe('no_prediction_fit')

    await importOrders(site, [{ customerId: 'a', day: '2026-01-05', revenue: 20 }])
    expect((await fit(site, { asOf: '2026-02-01' })).status).toBe(200)
    const unknown = await adminFetch('/v1/admin/customers/zed/prediction', site.secretKey)
    expect(unknown.status).toBe(404)
    expect(((await unknown.json()) as ErrorJson).error.code).toBe('customer_not_found')
    // Before the customer's first purchase there is nothing to predict from.
    const early = await adminFetch(
      '/v1/admin/customers/a/prediction?asOf=2025-12-31',
      site.secretKey,
    )
    expect(early.status).toBe(404)
  })

  it('validates the body and the query, changing nothing', async () => {
    const site = await createTestSite()
    await importOrders(site, [{ customerId: 'a', day: '2026-01-05', revenue: 20 }])
    for (const body of [{ asOf: '2026-13-01' }, { asOf: 20260101 }, { as_of: '2026-01-01' }]) {
      const response = await fit(site, body)
      expect(response.status, JSON.stringify(body)).toBe(400)
      expect(((await response.json()) as ErrorJson).error.code).toBe('invalid_request')
    }
    const broken = await adminFetch('/v1/admin/predictions/fit', site.secretKey, {
      method: 'POST',
      body: '{"asOf":',
    })
    expect(broken.status).toBe(400)
    expect(await latestFit(env.DB, site.siteId)).toBeNull()
    expect((await fit(site, { asOf: '2026-02-01' })).status).toBe(200)
    for (const query of ['horizonDays=0', 'horizonDays=99999', 'asOf=yesterday', 'foo=1']) {
      const response = await adminFetch(`/v1/admin/customers/a/prediction?${query}`, site.secretKey)
      expect(response.status, query).toBe(400)
    }
    expect((await adminFetch('/v1/admin/predictions/fit', null)).status).toBe(401)
  })

  it('the daily refit fits every site due, skips sites without customers, and stops at its budget', async () => {
    const withOrders = await createTestSite()
    const withoutOrders = await createTestSite()
    await importOrders(withOrders, [
      { customerId: 'a', day: '2026-01-05', revenue: 20 },
      { customerId: 'a', day: '2026-01-25', revenue: 20 },
    ])
    const now = Date.now()
    const first = await refitSites(env, now)
    expect(first.fitted).toBeGreaterThanOrEqual(1)
    expect(first.empty).toBeGreaterThanOrEqual(1)
    expect(first.failed).toBe(0)
    expect(await latestFit(env.DB, withOrders.siteId)).toMatchObject({
      customers: 1,
      fittedAt: now,
    })
    expect(await latestFit(env.DB, withoutOrders.siteId)).toBeNull()
    // Fitted an hour ago: not due again today.
    const again = await refitSites(env, now + 3_600_000)
    expect(await latestFit(env.DB, withOrders.siteId)).toMatchObject({ fittedAt: now })
    expect(again.fitted).toBe(0)
    // A run whose budget is spent after one site leaves the rest (both are due again) for the next.
    let tick = 0
    const stopped = await refitSites(env, now + 2 * 86_400_000, 2, () => tick++)
    expect(stopped.fitted + stopped.empty).toBe(1)
    expect(stopped.left).toBeGreaterThanOrEqual(1)
  })
})

describe("the worker's cron", () => {
  it('refits through the scheduled handler', async () => {
    const site = await createTestSite()
    await importOrders(site, [
      { customerId: 'a', day: '2026-01-05', revenue: 20 },
      { customerId: 'a', day: '2026-02-05', revenue: 30 },
    ])
    const now = Date.now()
    await worker.scheduled(
      createScheduledController({ scheduledTime: now, cron: '17 3 * * *' }),
      env,
    )
    expect(await latestFit(env.DB, site.siteId)).toMatchObject({ customers: 1, fittedAt: now })
  })
})

describe('prediction limits', () => {
  it('refuses a fit body over FIT_BODY_MAX_BYTES (1 KB) and keeps KEPT_FITS_PER_SITE fits', async () => {
    const site = await createTestSite()
    await importOrders(site, [{ customerId: 'a', day: '2026-01-05', revenue: 20 }])
    const large = await fit(site, { asOf: '2026-02-01', pad: 'x'.repeat(1100) })
    expect(large.status).toBe(413)
    const justUnder = await adminFetch('/v1/admin/predictions/fit', site.secretKey, {
      method: 'POST',
      body: `{"asOf":"2026-02-01"}${' '.repeat(1000)}`,
    })
    expect(justUnder.status).toBe(200)
    for (let i = 0; i < KEPT_FITS_PER_SITE + 2; i++) await fit(site, { asOf: '2026-02-01' })
    const kept = await recentFits(env.DB, site.siteId, 100)
    expect(kept).toHaveLength(KEPT_FITS_PER_SITE)
    expect(kept[0]!.fittedAt).toBe((await latestFit(env.DB, site.siteId))!.fittedAt)
  })
})

describe('PATCH /v1/admin/site predictions', () => {
  it('sets the at-risk threshold (default 0.5) and refuses one outside (0, 1)', async () => {
    const site = await createTestSite()
    const patch = (body: unknown) =>
      adminFetch('/v1/admin/site', site.secretKey, { method: 'PATCH', body: JSON.stringify(body) })
    expect(await (await patch({ lapseDays: 60 })).json()).toMatchObject({
      lapseDays: 60,
      predictions: { atRiskBelow: 0.5 },
    })
    expect(await (await patch({ predictions: { atRiskBelow: 0.3 } })).json()).toMatchObject({
      predictions: { atRiskBelow: 0.3 },
    })
    for (const atRiskBelow of [0, 1, 1.5, -0.1, '0.4']) {
      const response = await patch({ predictions: { atRiskBelow } })
      expect(response.status, String(atRiskBelow)).toBe(400)
    }
    expect(await (await patch({})).json()).toMatchObject({ predictions: { atRiskBelow: 0.3 } })
  })
})
