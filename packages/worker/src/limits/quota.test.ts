import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import {
  countRows,
  createTestSite,
  forgetSiteSettings,
  postJson,
  publishRules,
  type ErrorJson,
  type TestSite,
} from '../../test/helpers'
import { ApiError } from '../errors'
import { utcDay } from '../lib/days'
import { assertQuotaRoom, DEFAULT_DAILY_WRITE_QUOTA, quotaCommandSql } from './quota'
import { siteRow, siteRows } from '../../test/ledger'

async function writesToday(site: TestSite): Promise<number> {
  const row = await siteRow<{ writes: number }>(
    site.siteId,
    'SELECT writes FROM site_daily_writes WHERE day = ?1',
    utcDay(Date.now()),
  )
  return row?.writes ?? 0
}

async function setQuota(site: TestSite, quota: number | null): Promise<void> {
  await env.DB.prepare('UPDATE sites SET daily_write_quota = ?2 WHERE id = ?1')
    .bind(site.siteId, quota)
    .run()
  // The operator's change reaches every isolate within SITE_ENTRY_MAX_AGE_MS; this one at once.
  forgetSiteSettings(site.siteId)
}

let counter = 0
const pageviews = (count: number) =>
  Array.from({ length: count }, () => ({
    id: `q-${Date.now().toString(36)}-${++counter}`,
    type: 'pageview',
    url: 'https://shop.example/',
  }))
const send = (site: TestSite, events: object[], visitorId = 'v1') =>
  postJson('/v1/events', { site: site.publicKey, visitorId, visitId: 's1', events })

describe('daily write quota: counting', () => {
  it('counts the events stored, never a duplicate or a refused batch', async () => {
    const site = await createTestSite()
    const batch = pageviews(3)
    expect((await send(site, batch)).status).toBe(200)
    expect(await writesToday(site)).toBe(3)
    // A retry of the same batch, and a batch mixing old and new events: only the new one counts.
    expect(await (await send(site, batch)).json()).toMatchObject({ accepted: 0, duplicates: 3 })
    expect((await send(site, [...batch, ...pageviews(1)])).status).toBe(200)
    expect(await writesToday(site)).toBe(4)
    // An invalid batch is refused whole and counts nothing.
    expect((await send(site, [...pageviews(2), { id: 'bad', type: 'pageview' }])).status).toBe(400)
    expect(await writesToday(site)).toBe(4)
    expect(await countRows('events', site.siteId)).toBe(4)
  })

  it('counts an exposure once per rule and visitor, not per page view', async () => {
    const site = await createTestSite()
    await publishRules(site, [
      { id: 'hero-all', slot: 'hero', status: 'live', content: { type: 'text', value: 'Hi' } },
    ])
    const decide = (visitId: string) =>
      postJson('/v1/decide', { site: site.publicKey, visitorId: 'v1', visitId, slots: ['hero'] })
    for (const visitId of ['s1', 's1', 's2']) expect((await decide(visitId)).status).toBe(200)
    await expect.poll(() => countRows('exposures', site.siteId)).toBe(1)
    await expect.poll(() => writesToday(site)).toBe(1)
  })

  it('counts per UTC day: yesterday does not use up today', async () => {
    const site = await createTestSite()
    await setQuota(site, 2)
    const yesterday = utcDay(Date.now() - 86_400_000)
    await siteRows(
      site.siteId,
      'INSERT INTO site_daily_writes (day, writes) VALUES (?1, 2)',
      yesterday,
    )
    expect((await send(site, pageviews(2))).status).toBe(200)
  })
})

describe('daily write quota: POST /v1/events', () => {
  it('passes the batch that fills the quota exactly and refuses the next with 429, storing nothing', async () => {
    const site = await createTestSite()
    await setQuota(site, 5)
    expect((await send(site, pageviews(3))).status).toBe(200)
    expect((await send(site, pageviews(2))).status).toBe(200)
    expect(await writesToday(site)).toBe(5)

    const refused = await send(site, pageviews(1), 'v2')
    expect(refused.status).toBe(429)
    const body = (await refused.json()) as ErrorJson
    expect(body.error.code).toBe('quota_exceeded')
    expect(body.error.message).toContain('stored 5 of its 5 writes for today')
    const retryAfter = Number(refused.headers.get('retry-after'))
    expect(retryAfter).toBeGreaterThan(0)
    expect(retryAfter).toBeLessThanOrEqual(86_400)
    expect(await countRows('events', site.siteId)).toBe(5)
    expect(await countRows('visitors', site.siteId)).toBe(1)
    expect(await writesToday(site)).toBe(5)
  })

  it('refuses a batch that could pass the quota, whole', async () => {
    const site = await createTestSite()
    await setQuota(site, 4)
    expect((await send(site, pageviews(3))).status).toBe(200)
    expect((await send(site, pageviews(2))).status).toBe(429)
    expect(await countRows('events', site.siteId)).toBe(3)
    expect((await send(site, pageviews(1))).status).toBe(200)
  })

  it('holds one site to its quota without touching another', async () => {
    const full = await createTestSite()
    const other = await createTestSite()
    await setQuota(full, 0)
    expect((await send(full, pageviews(1))).status).toBe(429)
    expect((await send(other, pageviews(1))).status).toBe(200)
  })

  it(`uses ${DEFAULT_DAILY_WRITE_QUOTA.toLocaleString('en-US')} writes a day when the operator set none`, async () => {
    const site = await createTestSite()
    await siteRows(
      site.siteId,
      'INSERT INTO site_daily_writes (day, writes) VALUES (?1, ?2)',
      utcDay(Date.now()),
      DEFAULT_DAILY_WRITE_QUOTA - 1,
    )
    expect((await send(site, pageviews(1))).status).toBe(200)
    expect((await send(site, pageviews(1))).status).toBe(429)
  })
})

describe('daily write quota: POST /v1/decide', () => {
  it('over the quota still answers, but records no exposure', async () => {
    const site = await createTestSite()
    await publishRules(site, [
      { id: 'hero-all', slot: 'hero', status: 'live', content: { type: 'text', value: 'Hi' } },
    ])
    await setQuota(site, 0)
    const response = await postJson('/v1/decide', {
      site: site.publicKey,
      visitorId: 'v1',
      visitId: 's1',
      slots: ['hero'],
    })
    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({
      decisions: { hero: { ruleId: 'hero-all', variant: 'treatment' } },
    })
    await setQuota(site, 1)
    await postJson('/v1/decide', {
      site: site.publicKey,
      visitorId: 'v2',
      visitId: 's1',
      slots: ['hero'],
    })
    // Only the decide made within the quota recorded its exposure.
    await expect.poll(() => countRows('exposures', site.siteId)).toBe(1)
    const rows = await siteRows<{ visitor_id: string }>(
      site.siteId,
      'SELECT visitor_id FROM exposures',
    )
    expect(rows.map((row) => row.visitor_id)).toEqual(['v2'])
  })
})

describe('assertQuotaRoom', () => {
  it('asks to retry at the next UTC midnight', () => {
    const retryAfter = (now: string) => {
      try {
        assertQuotaRoom({ quota: 1, used: 1 }, 1, Date.parse(now))
        return null
      } catch (error) {
        expect(error).toBeInstanceOf(ApiError)
        return (error as ApiError).retryAfterSeconds
      }
    }
    expect(retryAfter('2026-11-20T23:59:59.500Z')).toBe(1)
    expect(retryAfter('2026-11-20T00:00:00.000Z')).toBe(86_400)
    expect(retryAfter('2026-11-20T12:00:00.000Z')).toBe(43_200)
    expect(() => assertQuotaRoom({ quota: 2, used: 1 }, 1, Date.now())).not.toThrow()
  })
})

describe('quotaCommandSql', () => {
  it('sets, resets and reads a site’s quota by public key or id', async () => {
    const site = await createTestSite()
    const run = async (sql: string) => {
      const results = await env.DB.batch(
        sql
          .split(';')
          .filter((s) => s.trim())
          .map((s) => env.DB.prepare(s)),
      )
      return results[results.length - 1]!.results[0] as Record<string, unknown>
    }
    expect(await run(quotaCommandSql(site.publicKey, 250_000))).toMatchObject({
      id: site.siteId,
      daily_write_quota: 250_000,
    })
    expect(await run(quotaCommandSql(site.siteId, undefined))).toMatchObject({
      public_key: site.publicKey,
      daily_write_quota: 250_000,
    })
    expect(await run(quotaCommandSql(site.siteId, null))).toMatchObject({
      daily_write_quota: null,
    })
    expect(quotaCommandSql("pk_x' OR 1=1 --", 1)).toContain("'pk_x'' OR 1=1 --'")
  })
})
