import { createScheduledController, env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import worker from '../index'
import { adminFetch, createTestSite, type TestSite } from '../../test/helpers'
import { purgeExpiredEvents } from './retention'

const DAY = 86_400_000
const NOW = Date.parse('2026-06-01T03:17:00Z')

async function insertEvent(site: TestSite, eventId: string, receivedAt: number): Promise<void> {
  await env.DB.prepare("INSERT INTO events (site_id, event_id, visitor_id, visit_id, type, received_at) VALUES (?1, ?2, 'v1', 's1', 'pageview', ?3)")
    .bind(site.siteId, eventId, receivedAt)
    .run()
}

async function eventIds(site: TestSite): Promise<string[]> {
  const rows = await env.DB.prepare('SELECT event_id FROM events WHERE site_id = ?1 ORDER BY event_id').bind(site.siteId).all<{ event_id: string }>()
  return rows.results.map((row) => row.event_id)
}

async function setRetention(site: TestSite, retentionDays: number | null): Promise<Response> {
  return adminFetch('/v1/admin/settings/retention', site.secretKey, { method: 'PUT', body: JSON.stringify({ retentionDays }) })
}

describe('purgeExpiredEvents', () => {
  it('deletes raw events older than the retention, keeping newer ones, visits, orders and rollups', async () => {
    const site = await createTestSite()
    expect(await (await adminFetch('/v1/admin/settings/retention', site.secretKey)).json()).toEqual({ retentionDays: 395 })
    expect((await setRetention(site, 30)).status).toBe(200)
    await insertEvent(site, 'old-1', NOW - 31 * DAY)
    await insertEvent(site, 'old-2', NOW - 400 * DAY)
    await insertEvent(site, 'edge', NOW - 30 * DAY)
    await insertEvent(site, 'new', NOW - DAY)
    await env.DB.prepare("INSERT INTO visits (site_id, visitor_id, visit_id, started_at, segment, day) VALUES (?1, 'v1', 's1', ?2, 'shopper', '2025-01-01')").bind(site.siteId, NOW - 400 * DAY).run()
    await env.DB.prepare("INSERT INTO orders (site_id, order_id, visitor_id, visit_id, revenue_micros, currency, placed_at, day) VALUES (?1, 'o1', 'v1', 's1', 5, 'USD', ?2, '2025-01-01')").bind(site.siteId, NOW - 400 * DAY).run()

    const result = await purgeExpiredEvents(env, NOW)
    expect(result.sites).toContainEqual({ siteId: site.siteId, deleted: 2 })
    expect(result.isComplete).toBe(true)
    expect(await eventIds(site)).toEqual(['edge', 'new'])
    const kept = await env.DB.prepare('SELECT (SELECT count(*) FROM visits WHERE site_id = ?1) AS visits, (SELECT count(*) FROM orders WHERE site_id = ?1) AS orders, (SELECT sum(visits) FROM daily_segment_stats WHERE site_id = ?1) AS rolled').bind(site.siteId).first()
    expect(kept).toEqual({ visits: 1, orders: 1, rolled: 1 })
    // A second run finds nothing more.
    expect((await purgeExpiredEvents(env, NOW)).sites.find((entry) => entry.siteId === site.siteId)).toBeUndefined()
  })

  it('keeps everything for a site without retention, and uses each site\'s own setting', async () => {
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
    expect(first).toEqual({ sites: [{ siteId: site.siteId, deleted: 4 }], deleted: 4, isComplete: false })
    expect(await eventIds(site)).toHaveLength(3)
    while (!(await purgeExpiredEvents(env, NOW, { chunkSize: 2, maxChunks: 2 })).isComplete);
    expect(await eventIds(site)).toEqual([])
  })

  it('runs from the cron trigger through the worker\'s scheduled handler', async () => {
    const site = await createTestSite()
    await insertEvent(site, 'old', Date.now() - 400 * DAY)
    await insertEvent(site, 'new', Date.now() - DAY)
    await worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: '17 3 * * *' }), env)
    expect(await eventIds(site)).toEqual(['new'])
  })

  it('validates the setting', async () => {
    const site = await createTestSite()
    for (const retentionDays of [0, -1, 1.5, 4000, '30']) expect((await setRetention(site, retentionDays as number)).status).toBe(400)
    expect(await (await setRetention(site, 730)).json()).toEqual({ retentionDays: 730 })
    expect(await (await adminFetch('/v1/admin/settings/retention', site.secretKey)).json()).toEqual({ retentionDays: 730 })
  })
})
