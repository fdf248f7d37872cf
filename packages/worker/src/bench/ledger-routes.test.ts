import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
// @ts-expect-error: the bench's generator is plain JavaScript, shared with `pnpm bench:metrics`
import { SHOP, streamShop } from '../../bench/synthetic-shop.mjs'
import { expectDerivedExact, ledgerFor } from '../../test/ledger'
import { ledgerBenchRoutes } from './ledger-routes'
import type { MetricsReport } from '@stammis/contract'
import { ledgerSite, type MetricsPartial } from '../ledger/client'
import { reportFromPartial } from '../metrics/partials'

describe('the bench load (what `pnpm bench:metrics` times)', () => {
  it('stores a streamed synthetic shop whole, and its partials say what the generator counted', async () => {
    const siteId = `bench-load-${Date.now().toString(36)}`
    const shape = { ...SHOP, visitors: 400, orders: 150, events: 4000 }
    const range = { name: 'year', from: '2025-11-01', to: SHOP.lastDay }
    const call = (path: string, body?: object) =>
      ledgerBenchRoutes.request(
        `/${siteId}${path}`,
        body ? { method: 'POST', body: JSON.stringify(body) } : {},
        env,
      )
    const generated = await streamShop(
      shape,
      { visitorsPerChunk: 150, ranges: [range] },
      async (chunk: Record<string, unknown[]>) => {
        const texts = Object.fromEntries(
          Object.entries(chunk).map(([table, rows]) => [table, [JSON.stringify(rows)]]),
        )
        expect((await call('/load', texts)).status).toBe(200)
      },
    )
    let cursor: unknown = null
    do {
      const response = await call('/rebuild', { cursor })
      expect(response.status).toBe(200)
      cursor = ((await response.json()) as { cursor: unknown }).cursor
    } while (cursor)
    const stats = (await (await call('/stats')).json()) as {
      databaseSize: number
      counts: Record<string, number>
    }
    expect(stats.counts).toMatchObject({ ...generated.counts, people: generated.counts.visitors })
    expect(stats.databaseSize).toBeGreaterThan(0)

    const partial = (await (await call(`/metrics?from=${range.from}&to=${range.to}`)).json()) as {
      segments: { segment: string; visits: number; orders: number; visitors: number }[]
      customers: { total: number }
    }
    const expected = generated.expected[range.name]
    for (const [segment, counts] of Object.entries(
      expected.segments as Record<string, { visits: number; orders: number; visitors: number }>,
    ))
      expect(
        partial.segments.find((row) => row.segment === segment),
        segment,
      ).toMatchObject({
        visits: counts.visits,
        orders: counts.orders,
        visitors: counts.visitors,
      })
    expect(partial.customers.total).toBe(expected.customers)
    // The timed report is the admin route's: those partials made into the report.
    const report = (await (
      await call(`/report?from=${range.from}&to=${range.to}&heldOut=welcome-offer`)
    ).json()) as MetricsReport
    expect(report).toEqual(
      reportFromPartial(
        { currency: 'USD', timeZone: 'UTC' },
        range.from,
        range.to,
        partial as unknown as MetricsPartial,
        ['welcome-offer'],
      ),
    )
    expect(report.segments.shopper.visits).toBeGreaterThan(0)
    expect(report.offers.map((offer) => offer.ruleId)).toContain('welcome-offer')
    // Where the report's time goes: every part of it, timed in the object.
    const parts = (await (
      await call(`/report-parts?from=${range.from}&to=${range.to}`)
    ).json()) as Record<string, number>
    expect(Object.keys(parts).sort()).toEqual(
      [
        'active at end',
        'active at start',
        'bot days',
        'cohorts',
        'conflicts',
        'customer sums',
        'offer arms',
        'purchase gaps',
        'segments',
      ].sort(),
    )
    for (const ms of Object.values(parts)) expect(ms).toBeGreaterThanOrEqual(0)
    await expectDerivedExact(
      ledgerFor(siteId),
      ledgerSite({
        id: siteId,
        currency: 'USD',
        timeZone: 'UTC',
        lapseDays: 90,
        trustBrowserPurchases: true,
      }),
    )
  })
})
