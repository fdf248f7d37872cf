// Attack: fill the D1 database every site shares, with nothing but a site's public key. Every
// stored byte counts against one 10 GB database, so what one request can store and how much one
// site can store in a day must both be bounded.
import { describe, expect, it } from 'vitest'
import { countRows, createTestSite, eventId, postJson, type ErrorJson } from '../helpers'
import { siteRow, siteRows } from '../ledger'

/** The default number of rows one site may store through its public key per UTC day. */
const DEFAULT_DAILY_WRITES = 100_000

async function expectNothingStored(siteId: string): Promise<void> {
  for (const table of ['visitors', 'visits', 'events', 'orders'] as const)
    expect(await countRows(table, siteId), table).toBe(0)
}

describe('abuse: filling the shared database', () => {
  it('refuses track props over 2 KB, and stores nothing of the batch', async () => {
    const site = await createTestSite()
    const response = await postJson('/v1/events', {
      site: site.publicKey,
      visitorId: 'filler',
      visitId: 'fill-1',
      events: [
        { id: eventId(), type: 'visit', url: 'https://shop.example/' },
        // 60 KB of props fits the 64 KB body cap: each such request stored it all.
        { id: eventId(), type: 'track', name: 'blob', props: { blob: 'x'.repeat(60_000) } },
      ],
    })
    expect(response.status).toBe(400)
    expect(((await response.json()) as ErrorJson).error.code).toBe('invalid_request')
    await expectNothingStored(site.siteId)
  })

  it('stores URLs and referrers without their query strings, but for utm_* parameters', async () => {
    const site = await createTestSite()
    const junk = 'A'.repeat(1900)
    const response = await postJson('/v1/events', {
      site: site.publicKey,
      visitorId: 'filler',
      visitId: 'fill-2',
      events: [
        {
          id: eventId(),
          type: 'visit',
          url: `https://shop.example/sale?utm_source=news&junk=${junk}&utm_campaign=winter`,
          referrer: `https://search.example/?q=${junk}`,
        },
        {
          id: eventId(),
          type: 'pageview',
          url: `https://shop.example/p/mug?junk=${junk.slice(0, 900)}#${junk.slice(0, 900)}`,
        },
      ],
    })
    expect(response.status).toBe(200)
    const visit = await siteRow<{ url: string; referrer: string }>(
      site.siteId,
      'SELECT url, referrer FROM visits',
    )
    expect(visit).toEqual({
      url: 'https://shop.example/sale?utm_source=news&utm_campaign=winter',
      referrer: 'https://search.example/',
    })
    const stored = await siteRows<{ data: string }>(site.siteId, 'SELECT data FROM events')
    expect(
      stored.map((row) => JSON.parse(row.data) as { url?: string; referrer?: string }),
    ).toEqual(
      expect.arrayContaining([
        {
          url: 'https://shop.example/sale?utm_source=news&utm_campaign=winter',
          referrer: 'https://search.example/',
        },
        { url: 'https://shop.example/p/mug' },
      ]),
    )
    for (const row of stored) expect(row.data).not.toContain('AAAA')
  })

  it("refuses a site's writes over its daily quota with 429, and stores nothing", async () => {
    const site = await createTestSite()
    // A day's worth of an attacker's batches, stored the way the route stores them (fast: one statement).
    await siteRows(
      site.siteId,
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?2)
       INSERT INTO events (event_id, visitor_id, visit_id, type, received_at, data)
       SELECT 'fill-' || i, 'filler-' || (i % 1000), 'fill', 'track', ?1, '{}' FROM n`,
      Date.now(),
      DEFAULT_DAILY_WRITES,
    )

    const response = await postJson('/v1/events', {
      site: site.publicKey,
      visitorId: 'one-more',
      visitId: 'fill-3',
      events: [{ id: eventId(), type: 'visit', url: 'https://shop.example/' }],
    })
    expect(response.status).toBe(429)
    expect(((await response.json()) as ErrorJson).error.code).toBe('quota_exceeded')
    const retryAfter = Number(response.headers.get('retry-after'))
    expect(retryAfter).toBeGreaterThan(0)
    expect(retryAfter).toBeLessThanOrEqual(86_400)
    expect(await countRows('events', site.siteId)).toBe(DEFAULT_DAILY_WRITES)
    expect(await countRows('visitors', site.siteId)).toBe(0)
  })
})
