import type { DecideResponse, PreviewResult, RuleInput } from '@stammis/contract'
import { describe, expect, it } from 'vitest'
import { clearSiteDirectory } from '../src/sites/directory'
import {
  adminFetch,
  createTestSite,
  eventId,
  postJson,
  publishRules,
  type ErrorJson,
  type TestSite,
} from './helpers'
import { ledgerFor, ledgerSiteOf, serverOrder } from './ledger'

// Rule conditions on predictions through decide and preview: the person's inputs come from the
// ledger with the decide context, the fit with the site (no read of its own).

const DAY = 86_400_000

const rule = (overrides: Partial<RuleInput> & { id: string }): RuleInput => ({
  slot: 'hero',
  priority: 0,
  status: 'live',
  content: { type: 'text', value: overrides.id },
  ...overrides,
})

async function decide(site: TestSite, visitorId: string): Promise<DecideResponse> {
  const response = await postJson('/v1/decide', {
    site: site.publicKey,
    visitorId,
    visitId: `now-${visitorId}`,
    slots: ['hero'],
  })
  expect(response.status).toBe(200)
  return (await response.json()) as DecideResponse
}

async function buyToday(site: TestSite, visitorId: string, orderId: string): Promise<void> {
  const response = await postJson('/v1/events', {
    site: site.publicKey,
    visitorId,
    visitId: `buy-${orderId}`,
    events: [
      { id: eventId(), type: 'visit' },
      { id: eventId(), type: 'purchase', orderId, revenue: 30, currency: 'USD' },
    ],
  })
  expect(response.status).toBe(200)
}

/** Orders the shop's server reports for a browser, days ago (its history). */
async function history(site: TestSite, visitorId: string, daysAgo: number[]): Promise<void> {
  await ledgerFor(site.siteId).storeServerOrders(
    await ledgerSiteOf(site.siteId),
    daysAgo.map((ago, index) =>
      serverOrder(`${visitorId}-${index}`, Date.now() - ago * DAY, {
        visitorId,
        revenueMicros: 40_000_000,
      }),
    ),
    'server',
    Date.now(),
  )
}

async function fitNow(site: TestSite): Promise<void> {
  const response = await adminFetch('/v1/admin/predictions/fit', site.secretKey, { method: 'POST' })
  expect(response.status).toBe(200)
  clearSiteDirectory()
}

describe('prediction conditions in decide', () => {
  it('match on the person’s figures from the latest fit; never for a visitor who never bought', async () => {
    const site = await createTestSite()
    await buyToday(site, 'fresh-buyer', 'o-1')
    await history(site, 'old-buyer', [200, 120])
    await publishRules(site, [
      rule({ id: 'slipping', priority: 3, when: { daysSinceLastPurchase: { min: 90 } } }),
      rule({
        id: 'alive',
        priority: 2,
        when: { pAlive: { min: 0.99 }, clvPercentile: { min: 0 } },
      }),
      rule({ id: 'everyone', priority: 0 }),
    ])
    // No fit yet: no prediction condition matches anyone.
    expect((await decide(site, 'old-buyer')).decisions.hero?.ruleId).toBe('everyone')

    await fitNow(site)
    expect((await decide(site, 'old-buyer')).decisions.hero?.ruleId).toBe('slipping')
    // Bought today (x = 0): P(alive) is 1, zero days since the purchase.
    expect((await decide(site, 'fresh-buyer')).decisions.hero?.ruleId).toBe('alive')
    expect((await decide(site, 'never-bought')).decisions.hero?.ruleId).toBe('everyone')
  })

  it('due for reorder: today within ±20% of the customer’s own median gap', async () => {
    const site = await createTestSite()
    // Every 30 days; the last 30 days ago: due today (window 24–36 days).
    await history(site, 'regular', [120, 90, 60, 30])
    // Every 30 days, the last 10 days ago: not due.
    await history(site, 'early', [100, 70, 40, 10])
    await publishRules(site, [
      rule({ id: 'reorder', priority: 1, when: { dueForReorder: true } }),
      rule({ id: 'everyone', priority: 0 }),
    ])
    await fitNow(site)
    expect((await decide(site, 'regular')).decisions.hero?.ruleId).toBe('reorder')
    expect((await decide(site, 'early')).decisions.hero?.ruleId).toBe('everyone')
  })

  it('withhold a coded offer behind a prediction condition on a site that trusts browser purchases', async () => {
    const site = await createTestSite()
    await history(site, 'old-buyer', [200, 120])
    await publishRules(site, [
      rule({
        id: 'winback',
        when: { daysSinceLastPurchase: { min: 90 } },
        offer: { kind: 'percent', value: 15, code: 'COMEBACK15' },
      }),
    ])
    await fitNow(site)
    const trusting = await decide(site, 'old-buyer')
    expect(trusting.decisions.hero).toMatchObject({ ruleId: 'winback', offer: null })
    // Counting verified purchases only, the facts are verified: the code is served.
    await adminFetch('/v1/admin/site', site.secretKey, {
      method: 'PATCH',
      body: JSON.stringify({ trustBrowserPurchases: false }),
    })
    clearSiteDirectory()
    const verified = await decide(site, 'old-buyer')
    expect(verified.decisions.hero?.offer).toMatchObject({ code: 'COMEBACK15' })
  })

  it('refuses malformed prediction conditions at publish', async () => {
    const site = await createTestSite()
    for (const when of [
      { pAlive: { min: 1.5 } },
      { pAlive: {} },
      { clvPercentile: { min: 90.5 } },
      { clvPercentile: { min: 50, max: 10 } },
      { dueForReorder: false },
      { predictedClv: { min: -1 } },
      { daysSinceLastPurchase: { max: 3.5 } },
    ]) {
      const response = await adminFetch('/v1/admin/rules', site.secretKey, {
        method: 'PUT',
        body: JSON.stringify({ rules: [rule({ id: 'r', when: when as RuleInput['when'] })] }),
      })
      expect(response.status, JSON.stringify(when)).toBe(400)
      expect(((await response.json()) as ErrorJson).error.code).toBe('invalid_request')
    }
  })
})

describe('prediction conditions in preview', () => {
  it('match the example figures a marketer gives ("top 10%"), and nothing without them', async () => {
    const site = await createTestSite()
    await adminFetch('/v1/admin/workspace', site.secretKey, {
      method: 'PUT',
      body: JSON.stringify({
        rules: [
          rule({ id: 'top-10', priority: 2, when: { clvPercentile: { min: 90 } } }),
          rule({ id: 'at-risk', priority: 1, when: { pAlive: { max: 0.4 } } }),
          rule({ id: 'everyone', priority: 0 }),
        ],
      }),
    })
    const preview = async (body: Record<string, unknown>) => {
      const response = await adminFetch('/v1/admin/preview', site.secretKey, {
        method: 'POST',
        body: JSON.stringify({ segment: 'repeat', ...body }),
      })
      expect(response.status).toBe(200)
      return (await response.json()) as PreviewResult
    }
    const top = await preview({ predictions: { clvPercentile: 95 } })
    expect(top.slots[0]?.ruleId).toBe('top-10')
    expect(top.predictions).toMatchObject({ clvPercentile: 95, pAlive: 1, dueForReorder: false })
    expect((await preview({ predictions: { pAlive: 0.2 } })).slots[0]?.ruleId).toBe('at-risk')
    const none = await preview({})
    expect(none.slots[0]?.ruleId).toBe('everyone')
    expect(none.predictions).toBeUndefined()
    const bad = await adminFetch('/v1/admin/preview', site.secretKey, {
      method: 'POST',
      body: JSON.stringify({ segment: 'repeat', predictions: { clvPercentile: 100 } }),
    })
    expect(bad.status).toBe(400)
  })
})
