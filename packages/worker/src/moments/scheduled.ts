import type { Env } from '../env'
import { percentileOf } from '../predictions/model'
import { findSiteById } from '../sites/queries'
import { STALE_PENDING_MS } from './limits'
import { findStalePending, sitesWithDestinations } from './queries'
import { runMomentScan, type ScanFit, type ScanResult } from './scan'
import { queueDeliveries } from './send'

/** The cron (wrangler.jsonc) that runs the daily moment scan. */
export const MOMENT_SCAN_CRON = '41 4 * * *'

/** The P(alive) below which a valuable customer is at risk, when the site has no setting. */
export const DEFAULT_AT_RISK_BELOW = 0.5

/** Stale pending deliveries queued again per run. */
const STALE_PER_RUN = 1000

/**
 * The site's newest prediction fit as the scan needs it, or null (no fit yet, or the predictions
 * tables are not there: at-risk moments then wait for a fit). Reads `prediction_fits` and
 * `sites.predictions_at_risk_below` (migration 0012, branch i12-predict) when they exist.
 * TODO(i12-predict merge): replace the SQL below with predictions/store.ts's reader of the latest
 * fit, so that one module owns `prediction_fits`.
 * @example await loadScanFit(env.DB, site.id) // { bgnbd, gammaGamma, clvMedian, atRiskBelow } | null
 */
export async function loadScanFit(db: D1Database, siteId: string): Promise<ScanFit | null> {
  const hasTable = await db
    .prepare("SELECT 1 AS yes FROM sqlite_master WHERE type = 'table' AND name = 'prediction_fits'")
    .first()
  if (!hasTable) return null
  const row = await db
    .prepare(
      `SELECT f.r, f.alpha, f.a, f.b, f.p, f.q, f.gamma, f.clv_cuts, s.predictions_at_risk_below
       FROM prediction_fits f JOIN sites s ON s.id = f.site_id
       WHERE f.site_id = ?1 ORDER BY f.fitted_at DESC LIMIT 1`,
    )
    .bind(siteId)
    .first<{
      r: number
      alpha: number
      a: number
      b: number
      p: number
      q: number
      gamma: number
      clv_cuts: string
      predictions_at_risk_below: number | null
    }>()
  if (!row) return null
  const cuts = JSON.parse(row.clv_cuts) as number[]
  if (cuts.length === 0) return null
  return {
    bgnbd: { r: row.r, alpha: row.alpha, a: row.a, b: row.b },
    gammaGamma: { p: row.p, q: row.q, gamma: row.gamma },
    clvMedian: medianOfCuts(cuts),
    atRiskBelow: row.predictions_at_risk_below ?? DEFAULT_AT_RISK_BELOW,
  }
}

/** The 50th percentile among the 1st to 99th kept with a fit. */
function medianOfCuts(cuts: readonly number[]): number {
  const median = cuts[49]!
  // percentileOf places the median itself at 50 or above: a sanity check of the cut order.
  if (percentileOf(median, cuts) < 50) throw new Error('clv cuts are not ascending')
  return median
}

/**
 * The worker's daily moment scan (cron MOMENT_SCAN_CRON): every site with a destination is scanned
 * (lapsed, due for reorder, at risk), then deliveries whose queue message was lost are queued
 * again. One site failing is logged and does not stop the others.
 * @example await handleMomentScan(controller, env)
 */
export async function handleMomentScan(
  controller: Pick<ScheduledController, 'scheduledTime'>,
  env: Env,
): Promise<{ sites: Record<string, ScanResult>; requeued: number }> {
  const now = controller.scheduledTime
  const sites: Record<string, ScanResult> = {}
  for (const siteId of await sitesWithDestinations(env.DB)) {
    try {
      const site = await findSiteById(env.DB, siteId)
      if (!site) continue
      const fit = await loadScanFit(env.DB, siteId)
      sites[siteId] = await runMomentScan(env, site, { now, fit })
    } catch (error) {
      console.error('moment scan failed for a site', siteId, error)
    }
  }
  const stale = await findStalePending(env.DB, now - STALE_PENDING_MS, STALE_PER_RUN)
  await queueDeliveries(env, stale)
  console.log('moment scan', JSON.stringify({ sites, requeued: stale.length }))
  return { sites, requeued: stale.length }
}
