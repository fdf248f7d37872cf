import { createScheduledController, env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import worker from '../index'
import { adminFetch, createTestSite, type TestSite } from '../../test/helpers'
import { createSession } from '../sessions/queries'
import { hashSecretKey } from '../sites/keys'
import { purgeExpiredData, type PurgeOptions, type PurgeResult } from './retention'
import { siteRow, siteRows } from '../../test/ledger'

/** One kind of the purge's result: the cron purges all three, each site's in its ledger. */
const purgeOf =
  (kind: 'events' | 'visitUrls' | 'exposures') =>
  async (e: typeof env, now: number, options?: PurgeOptions): Promise<PurgeResult> =>
    (await purgeExpiredData(e, now, options))[kind]
const purgeExpiredEvents = purgeOf('events')
const purgeExpiredVisitUrls = purgeOf('visitUrls')
const purgeExpiredExposures = purgeOf('exposures')

const DAY = 86_400_000
const NOW = Date.parse('2026-06-01T03:17:00Z')

async function insertEvent(site: TestSite, eventId: string, receivedAt: number): Promise<void> {
  await siteRows(
    site.siteId,
    "INSERT INTO events (event_id, visitor_id, visit_id, type, received_at) VALUES (?1, 'v1', 's1', 'pageview', ?2)",
    eventId,
    receivedAt,
  )
}

async function eventIds(site: TestSite): Promise<string[]> {
  const rows = await siteRows<{ event_id: string }>(
    site.siteId,
    'SELECT event_id FROM events ORDER BY event_id',
  )
  return rows.map((row) => row.event_id)
}

async function setRetention(site: TestSite, retentionDays: number | null): Promise<Response> {
  return adminFetch('/v1/admin/settings/retention', site.secretKey, {
    method: 'PUT',
    body: JSON.stringify({ retentionDays }),
  })
}

async function insertVisit(site: TestSite, visitId: string, startedAt: number): Promise<void> {
  await siteRows(
    site.siteId,
    "INSERT INTO visits (visitor_id, visit_id, person_id, started_at, segment, url, referrer, day) VALUES ('v1', ?1, 'v1', ?2, 'shopper', 'https://shop.example/?email=kim@example.com', 'https://search.example/?q=kim', '2025-01-01')",
    visitId,
    startedAt,
  )
}

async function visitUrls(site: TestSite): Promise<Record<string, unknown>[]> {
  return await siteRows(site.siteId, 'SELECT visit_id, url, referrer FROM visits ORDER BY visit_id')
}

async function insertExposure(
  site: TestSite,
  ruleId: string,
  firstExposedAt: number,
  lastExposedAt: number,
): Promise<void> {
  await siteRows(
    site.siteId,
    "INSERT INTO exposures (rule_id, visitor_id, variant, ruleset_version, first_exposed_at, first_visit_id, last_exposed_at, last_visit_id) VALUES (?1, 'v1', 'treatment', 1, ?2, 's1', ?3, 's9')",
    ruleId,
    firstExposedAt,
    lastExposedAt,
  )
}

async function exposureRules(site: TestSite): Promise<string[]> {
  const rows = await siteRows<{ rule_id: string }>(
    site.siteId,
    'SELECT rule_id FROM exposures ORDER BY rule_id',
  )
  return rows.map((row) => row.rule_id)
}

/** A session that began at `startedAt` (and so expires 12 hours later). */
async function startSession(site: TestSite, startedAt: number): Promise<string> {
  const started = await createSession(
    env.DB,
    site.siteId,
    'Maria',
    startedAt,
    await hashSecretKey(site.secretKey),
  )
  return started!.token
}

async function sessionExists(token: string): Promise<boolean> {
  const row = await env.DB.prepare('SELECT count(*) AS n FROM admin_sessions WHERE token_hash = ?1')
    .bind(await hashSecretKey(token))
    .first<{ n: number }>()
  return row!.n === 1
}

describe('purgeExpiredVisitUrls', () => {
  it('clears URL and referrer of visits that began before the retention, keeping the visits and newer URLs', async () => {
    const site = await createTestSite()
    expect((await setRetention(site, 30)).status).toBe(200)
    await insertVisit(site, 'a-old', NOW - 31 * DAY)
    await insertVisit(site, 'b-edge', NOW - 30 * DAY)
    await insertVisit(site, 'c-new', NOW - DAY)
    const result = await purgeExpiredVisitUrls(env, NOW)
    expect(result.sites).toContainEqual({ siteId: site.siteId, deleted: 1 })
    const url = 'https://shop.example/?email=kim@example.com'
    const referrer = 'https://search.example/?q=kim'
    expect(await visitUrls(site)).toEqual([
      { visit_id: 'a-old', url: null, referrer: null },
      { visit_id: 'b-edge', url, referrer },
      { visit_id: 'c-new', url, referrer },
    ])
    expect(
      (await purgeExpiredVisitUrls(env, NOW)).sites.find((entry) => entry.siteId === site.siteId),
    ).toBeUndefined()
  })

  it('keeps them for a site without retention, and works in chunks', async () => {
    const forever = await createTestSite()
    expect((await setRetention(forever, null)).status).toBe(200)
    await insertVisit(forever, 'ancient', NOW - 3000 * DAY)
    await purgeExpiredData(env, NOW) // everything else that is expired, so only this test's rows are left
    const site = await createTestSite()
    for (let i = 0; i < 5; i++) await insertVisit(site, `old-${i}`, NOW - 500 * DAY)
    expect(await purgeExpiredVisitUrls(env, NOW, { chunkSize: 2, maxChunks: 2 })).toEqual({
      sites: [{ siteId: site.siteId, deleted: 4 }],
      deleted: 4,
      isComplete: false,
    })
    expect(await purgeExpiredVisitUrls(env, NOW, { chunkSize: 2, maxChunks: 2 })).toEqual({
      sites: [{ siteId: site.siteId, deleted: 1 }],
      deleted: 1,
      isComplete: true,
    })
    expect(
      (await visitUrls(site)).every((visit) => visit.url === null && visit.referrer === null),
    ).toBe(true)
    expect((await visitUrls(forever))[0]).toMatchObject({
      url: 'https://shop.example/?email=kim@example.com',
    })
  })
})

describe('purgeExpiredExposures', () => {
  it('deletes exposures last served before the retention; one still being served stays, however old', async () => {
    const site = await createTestSite()
    expect((await setRetention(site, 30)).status).toBe(200)
    await insertExposure(site, 'gone', NOW - 400 * DAY, NOW - 31 * DAY)
    await insertExposure(site, 'still-served', NOW - 400 * DAY, NOW - DAY)
    await insertExposure(site, 'recent', NOW - 2 * DAY, NOW - DAY)
    const result = await purgeExpiredExposures(env, NOW)
    expect(result.sites).toContainEqual({ siteId: site.siteId, deleted: 1 })
    expect(await exposureRules(site)).toEqual(['recent', 'still-served'])
  })
})

describe('purgeExpiredData', () => {
  it('deletes expired admin sessions of every site, and no live one', async () => {
    const site = await createTestSite()
    const forever = await createTestSite()
    expect((await setRetention(forever, null)).status).toBe(200)
    const now = Date.now()
    const expired = [
      await startSession(site, now - 13 * 60 * 60 * 1000),
      await startSession(forever, now - 12 * 60 * 60 * 1000),
    ]
    const live = await startSession(site, now - 60 * 60 * 1000)
    const result = await purgeExpiredData(env, now)
    expect(result.sessions).toBeGreaterThanOrEqual(2)
    expect(await Promise.all(expired.map(sessionExists))).toEqual([false, false])
    expect(await sessionExists(live)).toBe(true)
  })
})

describe('purgeExpiredEvents', () => {
  it('deletes raw events older than the retention, keeping newer ones, visits, orders and rollups', async () => {
    const site = await createTestSite()
    expect(await (await adminFetch('/v1/admin/settings/retention', site.secretKey)).json()).toEqual(
      { retentionDays: 395 },
    )
    expect((await setRetention(site, 30)).status).toBe(200)
    await insertEvent(site, 'old-1', NOW - 31 * DAY)
    await insertEvent(site, 'old-2', NOW - 400 * DAY)
    await insertEvent(site, 'edge', NOW - 30 * DAY)
    await insertEvent(site, 'new', NOW - DAY)
    await siteRows(
      site.siteId,
      "INSERT INTO visits (visitor_id, visit_id, person_id, started_at, segment, day) VALUES ('v1', 's1', 'v1', ?1, 'shopper', '2025-01-01')",
      NOW - 400 * DAY,
    )
    await siteRows(
      site.siteId,
      "INSERT INTO orders (order_id, visitor_id, visit_id, person_id, revenue_micros, currency, placed_at, day) VALUES ('o1', 'v1', 's1', 'v1', 5, 'USD', ?1, '2025-01-01')",
      NOW - 400 * DAY,
    )

    const result = await purgeExpiredEvents(env, NOW)
    expect(result.sites).toContainEqual({ siteId: site.siteId, deleted: 2 })
    expect(result.isComplete).toBe(true)
    expect(await eventIds(site)).toEqual(['edge', 'new'])
    const kept = await siteRow(
      site.siteId,
      'SELECT (SELECT count(*) FROM visits) AS visits, (SELECT count(*) FROM orders) AS orders, (SELECT sum(visits) FROM daily_segment_stats) AS rolled',
    )
    expect(kept).toEqual({ visits: 1, orders: 1, rolled: 1 })
    // A second run finds nothing more.
    expect(
      (await purgeExpiredEvents(env, NOW)).sites.find((entry) => entry.siteId === site.siteId),
    ).toBeUndefined()
  })

  it("keeps everything for a site without retention, and uses each site's own setting", async () => {
    const forever = await createTestSite()
    const year = await createTestSite()
    expect((await setRetention(forever, null)).status).toBe(200)
    for (const site of [forever, year]) {
      await insertEvent(site, 'ancient', NOW - 3000 * DAY)
      await insertEvent(site, 'last-year', NOW - 300 * DAY)
    }
    await purgeExpiredEvents(env, NOW)
    expect(await eventIds(forever)).toEqual(['ancient', 'last-year'])
    expect(await eventIds(year)).toEqual(['last-year'])
  })

  it('deletes in chunks and leaves the rest for the next run', async () => {
    await purgeExpiredEvents(env, NOW) // other tests' expired events, so only this site's are left
    const site = await createTestSite()
    for (let i = 0; i < 7; i++) await insertEvent(site, `old-${i}`, NOW - 500 * DAY)
    const first = await purgeExpiredEvents(env, NOW, { chunkSize: 2, maxChunks: 2 })
    expect(first).toEqual({
      sites: [{ siteId: site.siteId, deleted: 4 }],
      deleted: 4,
      isComplete: false,
    })
    expect(await eventIds(site)).toHaveLength(3)
    while (!(await purgeExpiredEvents(env, NOW, { chunkSize: 2, maxChunks: 2 })).isComplete);
    expect(await eventIds(site)).toEqual([])
  })

  it("runs from the cron trigger through the worker's scheduled handler, purging every kind of expired data", async () => {
    const site = await createTestSite()
    const now = Date.now()
    await insertEvent(site, 'old', now - 400 * DAY)
    await insertEvent(site, 'new', now - DAY)
    await insertVisit(site, 'old-visit', now - 400 * DAY)
    await insertExposure(site, 'old-rule', now - 400 * DAY, now - 400 * DAY)
    const expired = await startSession(site, now - 13 * 60 * 60 * 1000)
    await worker.scheduled(
      createScheduledController({ scheduledTime: now, cron: '17 3 * * *' }),
      env,
    )
    expect(await eventIds(site)).toEqual(['new'])
    expect(await visitUrls(site)).toEqual([{ visit_id: 'old-visit', url: null, referrer: null }])
    expect(await exposureRules(site)).toEqual([])
    expect(await sessionExists(expired)).toBe(false)
  })

  it('validates the setting', async () => {
    const site = await createTestSite()
    for (const retentionDays of [0, -1, 1.5, 4000, '30'])
      expect((await setRetention(site, retentionDays as number)).status).toBe(400)
    expect(await (await setRetention(site, 730)).json()).toEqual({ retentionDays: 730 })
    expect(await (await adminFetch('/v1/admin/settings/retention', site.secretKey)).json()).toEqual(
      { retentionDays: 730 },
    )
  })
})
