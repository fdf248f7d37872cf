import { Hono } from 'hono'
import type { AppEnv } from '../env'
import { ledgerFor, ledgerSite, type LedgerSite } from '../ledger/client'

/**
 * Bench-only routes for `pnpm bench:ledger` (mounted under /__bench, so only with
 * BENCH_ROUTES=on): load a synthetic shop straight into a site's ledger, rebuild its counters and
 * rollups, time its metrics partials and read its database size. The site needs no D1 row: the
 * bench names it, with the demo site's settings (USD, UTC, 90-day lapse window).
 */
function benchSite(siteId: string): LedgerSite {
  return ledgerSite({
    id: siteId,
    currency: 'USD',
    timeZone: 'UTC',
    lapseDays: 90,
    trustBrowserPurchases: true,
  })
}

export const ledgerBenchRoutes = new Hono<AppEnv>()
  .post('/:siteId/load', async (c) => {
    const siteId = c.req.param('siteId')
    // Each table's rows arrive as JSON texts, handed to SQLite as they are (bench-load.ts).
    const chunk = (await c.req.json()) as Record<string, string[]>
    const inserted = await ledgerFor(c.env, siteId).benchLoad(benchSite(siteId), chunk)
    return c.json({ inserted })
  })
  .post('/:siteId/rebuild', async (c) => {
    const siteId = c.req.param('siteId')
    await ledgerFor(c.env, siteId).rebuild(benchSite(siteId))
    return c.json({ ok: true })
  })
  .get('/:siteId/metrics', async (c) => {
    const siteId = c.req.param('siteId')
    const partial = await ledgerFor(c.env, siteId).metrics(
      benchSite(siteId),
      c.req.query('from') ?? '',
      c.req.query('to') ?? '',
    )
    return c.json(partial)
  })
  .get('/:siteId/stats', async (c) =>
    c.json(await ledgerFor(c.env, c.req.param('siteId')).storageStats()),
  )
