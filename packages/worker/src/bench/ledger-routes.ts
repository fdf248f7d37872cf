import { Hono } from 'hono'
import type { AppEnv } from '../env'
import { ledgerFor, ledgerSite, type LedgerSite, type RebuildCursor } from '../ledger/client'
import { reportFromPartial } from '../metrics/partials'

/**
 * Bench-only routes for `pnpm bench:metrics` (mounted under /__bench, so only with
 * BENCH_ROUTES=on): load a synthetic shop straight into a site's ledger, rebuild its counters and
 * rollups, time its metrics report (the ledger's partials made into the report by the code the
 * admin metrics route runs) and read its database size. The site needs no D1 row: the
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
  // A few rebuild steps a call (each a bounded transaction): the bench calls again with the
  // cursor it gets until it is null.
  .post('/:siteId/rebuild', async (c) => {
    const siteId = c.req.param('siteId')
    const { cursor } = (await c.req.json()) as { cursor: RebuildCursor | null }
    return c.json({ cursor: await ledgerFor(c.env, siteId).rebuild(benchSite(siteId), cursor) })
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
  // The admin metrics report as the route makes it: the ledger's partials, then the ratios in the
  // worker (metrics/partials.ts). `heldOut`: the rules with a holdout (the route reads them from D1).
  .get('/:siteId/report', async (c) => {
    const site = benchSite(c.req.param('siteId'))
    const from = c.req.query('from') ?? ''
    const to = c.req.query('to') ?? ''
    const heldOut = (c.req.query('heldOut') ?? '').split(',').filter(Boolean)
    const partial = await ledgerFor(c.env, site.id).metrics(site, from, to)
    return c.json(reportFromPartial(site, from, to, partial, heldOut))
  })
  // Each part of the report timed inside the object: where the report's time goes.
  .get('/:siteId/report-parts', async (c) => {
    const site = benchSite(c.req.param('siteId'))
    const times = await ledgerFor(c.env, site.id).benchMetricsParts(
      site,
      c.req.query('from') ?? '',
      c.req.query('to') ?? '',
    )
    return c.json(times)
  })
  .get('/:siteId/stats', async (c) =>
    c.json(await ledgerFor(c.env, c.req.param('siteId')).storageStats()),
  )
