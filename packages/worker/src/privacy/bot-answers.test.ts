import { SELF } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import {
  adminFetch,
  countRows,
  createTestSite,
  eventId,
  publishRules,
  type TestSite,
} from '../../test/helpers'
import { ledgerFor, ledgerRows } from '../../test/ledger'
import { UNIQUE_CODE_RULE } from '../../test/privacy-data'

const GOOGLEBOT = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)'
const CHROME =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36'

function post(
  path: string,
  body: object,
  headers: Record<string, string> = {},
  cf?: Record<string, unknown>,
): Promise<Response> {
  return SELF.fetch(`https://worker.test${path}`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain', ...headers },
    body: JSON.stringify(body),
    cf: cf as RequestInit['cf'],
  })
}

const batch = (site: TestSite, visitorId: string) => ({
  site: site.publicKey,
  visitorId,
  visitId: 's1',
  events: [
    { id: eventId(), type: 'visit' },
    { id: eventId(), type: 'purchase', orderId: `o-${visitorId}`, revenue: 10, currency: 'USD' },
  ],
})

async function botTotals(site: TestSite): Promise<{ events: number; decides: number }> {
  const response = await adminFetch('/v1/admin/bots', site.secretKey)
  return ((await response.json()) as { total: { events: number; decides: number } }).total
}

async function storedRows(site: TestSite): Promise<number> {
  let total = 0
  for (const table of ['visitors', 'visits', 'events', 'orders', 'exposures'] as const)
    total += await countRows(table, site.siteId)
  return total
}

describe('bots are answered but neither tracked nor counted', () => {
  it('a Googlebot events batch stores nothing, answers 202, and is counted as filtered', async () => {
    const site = await createTestSite()
    const response = await post('/v1/events', batch(site, 'crawler'), { 'user-agent': GOOGLEBOT })
    expect(response.status).toBe(202)
    expect(await response.json()).toMatchObject({
      accepted: 0,
      duplicates: 0,
      ignored: 2,
      reason: 'bot',
      profile: { visitorId: 'crawler', segment: 'shopper', orders: 0 },
    })
    await expect.poll(() => botTotals(site)).toEqual({ events: 1, decides: 0 })
    expect(await storedRows(site)).toBe(0)
    const [daily] = await ledgerRows<{ n: number }>(
      ledgerFor(site.siteId),
      'SELECT count(*) AS n FROM daily_segment_stats',
    )
    expect(daily?.n).toBe(0)
  })

  it('a Googlebot decide gets the default content, records no exposure and issues no code', async () => {
    const site = await createTestSite()
    await publishRules(site, [UNIQUE_CODE_RULE])
    const response = await post(
      '/v1/decide',
      { site: site.publicKey, visitorId: 'crawler', visitId: 's1', slots: ['hero', 'footer'] },
      { 'user-agent': GOOGLEBOT },
    )
    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({
      profile: { visitorId: 'crawler', segment: 'shopper' },
      decisions: { hero: null, footer: null },
    })
    await expect.poll(() => botTotals(site)).toEqual({ events: 0, decides: 1 })
    expect(await storedRows(site)).toBe(0)
  })

  it('a browser, and a call without a user agent, are stored as usual and not counted as bots', async () => {
    const site = await createTestSite()
    expect(
      (await post('/v1/events', batch(site, 'browser'), { 'user-agent': CHROME })).status,
    ).toBe(200)
    expect((await post('/v1/events', batch(site, 'server'))).status).toBe(200)
    expect(await countRows('orders', site.siteId)).toBe(2)
    expect(await countRows('visitors', site.siteId)).toBe(2)
    expect(await botTotals(site)).toEqual({ events: 0, decides: 0 })
  })

  it("filters a request Cloudflare's Bot Management scores below 30", async () => {
    const site = await createTestSite()
    const response = await post(
      '/v1/events',
      batch(site, 'scored'),
      { 'user-agent': CHROME },
      { botManagement: { score: 5 } },
    )
    expect(response.status).toBe(202)
    await expect.poll(() => botTotals(site)).toEqual({ events: 1, decides: 0 })
    expect(await storedRows(site)).toBe(0)
  })

  it('a bot still needs a valid site and body', async () => {
    const site = await createTestSite()
    expect(
      (
        await post(
          '/v1/events',
          { ...batch(site, 'x'), site: 'pk_nope' },
          { 'user-agent': GOOGLEBOT },
        )
      ).status,
    ).toBe(401)
    expect(
      (await post('/v1/events', { ...batch(site, 'x'), events: [] }, { 'user-agent': GOOGLEBOT }))
        .status,
    ).toBe(400)
    expect(await botTotals(site)).toEqual({ events: 0, decides: 0 })
  })
})

describe('GET /v1/admin/bots', () => {
  it('answers per-day counts and totals for a range', async () => {
    const site = await createTestSite()
    await ledgerRows(
      ledgerFor(site.siteId),
      `INSERT INTO bot_requests (day, events, decides) VALUES
         ('2026-03-01', 4, 9), ('2026-03-05', 1, 0), ('2026-04-01', 7, 7)`,
    )
    const response = await adminFetch(
      '/v1/admin/bots?from=2026-03-01&to=2026-03-31',
      site.secretKey,
    )
    expect(await response.json()).toEqual({
      from: '2026-03-01',
      to: '2026-03-31',
      days: [
        { day: '2026-03-01', events: 4, decides: 9 },
        { day: '2026-03-05', events: 1, decides: 0 },
      ],
      total: { events: 5, decides: 9 },
    })
    expect(
      (await adminFetch('/v1/admin/bots?from=2026-04-02&to=2026-04-01', site.secretKey)).status,
    ).toBe(400)
  })
})
