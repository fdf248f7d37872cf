import { runInDurableObject } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { batch, ledgerRows, testLedger } from '../../test/ledger'
import type { SiteLedger } from './object'

const DAY = 86_400_000
const NOW = Date.parse('2026-09-01T03:17:00Z')

describe('the retention purge', () => {
  it('deletes raw events, visit URLs and exposures older than the retention; keeps the rest', async () => {
    const { site, ledger } = testLedger()
    const old = NOW - 400 * DAY
    await ledger.recordBatch(
      site,
      batch(
        'v',
        'old',
        [
          {
            type: 'visit',
            url: 'https://shop.example/?utm_source=x',
            referrer: 'https://search.example/',
          },
          { type: 'purchase', orderId: 'o-old', revenue: 5 },
        ],
        old,
      ),
    )
    await ledger.recordBatch(
      site,
      batch('v', 'new', [{ type: 'visit', url: 'https://shop.example/new' }], NOW - DAY),
    )
    const exposure = (ruleId: string, visitId: string) => ({
      ruleId,
      visitorId: 'v',
      visitId,
      variant: 'treatment' as const,
      rulesetVersion: 1,
      offerCode: null,
    })
    await ledger.recordExposures(site, [exposure('stale', 'old'), exposure('alive', 'old')], old)
    // Still being served: the row stays, however old its first exposure.
    await ledger.recordExposures(site, [exposure('alive', 'new')], NOW - DAY)

    expect(await ledger.purgeExpired(395, NOW)).toEqual({
      events: { deleted: 2, isComplete: true },
      visitUrls: { deleted: 1, isComplete: true },
      exposures: { deleted: 1, isComplete: true },
    })
    expect(
      await ledgerRows(ledger, 'SELECT visit_id, url, referrer FROM visits ORDER BY started_at'),
    ).toEqual([
      { visit_id: 'old', url: null, referrer: null },
      { visit_id: 'new', url: 'https://shop.example/new', referrer: null },
    ])
    expect(await ledgerRows(ledger, 'SELECT rule_id FROM exposures')).toEqual([
      { rule_id: 'alive' },
    ])
    expect(await ledgerRows(ledger, 'SELECT count(*) AS n FROM orders')).toEqual([{ n: 1 }])
    expect(await ledgerRows(ledger, 'SELECT count(*) AS n FROM events')).toEqual([{ n: 1 }])
    // Classification still counts the purged visit's purchase.
    const context = await ledger.decideContext(site, {
      visitorId: 'v',
      visitId: 'next',
      withExposureTimes: false,
      now: NOW,
    })
    expect(context.state).toMatchObject({ visits: 2, orders: 1, purchaseVisits: 1 })
  })

  it('works in chunks and leaves what is over its budget for the next run', async () => {
    const { site, ledger } = testLedger()
    const pageviews = Array.from({ length: 25 }, () => ({
      type: 'pageview' as const,
      url: 'https://shop.example/',
    }))
    await ledger.recordBatch(site, batch('v', 's', pageviews, NOW - 30 * DAY))
    expect((await ledger.purgeExpired(10, NOW, { chunkSize: 10, maxChunks: 2 })).events).toEqual({
      deleted: 20,
      isComplete: false,
    })
    expect((await ledger.purgeExpired(10, NOW, { chunkSize: 10, maxChunks: 2 })).events).toEqual({
      deleted: 5,
      isComplete: true,
    })
  })
})

describe('bot counts', () => {
  it('counts filtered requests per local day and kind', async () => {
    const { ledger } = testLedger()
    await ledger.countBotRequest('2026-09-01', 'events')
    await ledger.countBotRequest('2026-09-01', 'events')
    await ledger.countBotRequest('2026-09-01', 'decides')
    await ledger.countBotRequest('2026-09-03', 'decides')
    expect(await ledger.botDays('2026-09-01', '2026-09-02')).toEqual([
      { day: '2026-09-01', events: 2, decides: 1 },
    ])
  })
})

describe('webhook replay protection', () => {
  it('accepts a signature once, and forgets it once it is too old to be replayed', async () => {
    const { ledger } = testLedger()
    expect(await ledger.rememberWebhookDelivery('sig-1', NOW, NOW - 600_000)).toBe(true)
    expect(await ledger.rememberWebhookDelivery('sig-1', NOW + 1000, NOW - 599_000)).toBe(false)
    expect(await ledger.rememberWebhookDelivery('sig-2', NOW + 601_000, NOW + 1)).toBe(true)
    expect(await ledgerRows(ledger, 'SELECT signature FROM webhook_deliveries')).toEqual([
      { signature: 'sig-2' },
    ])
  })

  it('lets one of many concurrent deliveries of one signature through', async () => {
    const { ledger } = testLedger()
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => ledger.rememberWebhookDelivery('sig-race', NOW, NOW - 1)),
    )
    expect(answers.filter(Boolean)).toHaveLength(1)
  })
})

describe('one object, one site', () => {
  it('refuses a call for another site, changing nothing', async () => {
    const { site, ledger } = testLedger()
    await ledger.recordBatch(site, batch('v', 's', [{ type: 'visit' }], NOW))
    // Called on the instance: a rejecting RPC call leaks an unhandled rejection in the test pool
    // (cloudflare/workers-sdk#14736), the same throw through RPC reaches the caller as an error.
    const message = await runInDurableObject(ledger, (instance) => {
      try {
        ;(instance as unknown as SiteLedger).recordBatch(
          { ...site, id: 'someone-else' },
          batch('w', 's', [{ type: 'visit' }], NOW),
        )
        return 'stored'
      } catch (error) {
        return (error as Error).message
      }
    })
    expect(message).toMatch(/holds site ledger-site-.*, not someone-else/)
    expect(await ledgerRows(ledger, 'SELECT visitor_id FROM visitors')).toEqual([
      { visitor_id: 'v' },
    ])
  })
})
