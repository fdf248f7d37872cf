import type { Env } from '../env'
import { percentileOf } from '../predictions/model'
import { clvMedianOf } from '../predictions/person'
import { latestFit } from '../predictions/store'
import { findAtRiskBelow, findSiteById } from '../sites/queries'
import { STALE_PENDING_MS } from './limits'
import { findStalePending, sitesWithDestinations } from './queries'
import { runMomentScan, type ScanFit, type ScanResult } from './scan'
import { queueDeliveries } from './send'

/** The cron (wrangler.jsonc) that runs the daily moment scan. */
export const MOMENT_SCAN_CRON = '41 4 * * *'

/** Stale pending deliveries queued again per run. */
const STALE_PER_RUN = 1000

/**
 * The site's newest prediction fit as the scan needs it, or null (no fit yet, or a fit of a shop
 * without customers: at-risk moments then wait for a fit). The fit from its owner
 * (`predictions/store.ts`), the site's threshold from `sites/queries.ts`.
 * @example await loadScanFit(env.DB, site.id) // { bgnbd, gammaGamma, clvMedian, atRiskBelow } | null
 */
export async function loadScanFit(db: D1Database, siteId: string): Promise<ScanFit | null> {
  const fit = await latestFit(db, siteId)
  if (!fit || fit.clvCuts.length === 0) return null
  const { r, alpha, a, b } = fit.bgnbd
  const { p, q, gamma } = fit.gammaGamma
  return {
    bgnbd: { r, alpha, a, b },
    gammaGamma: { p, q, gamma },
    clvMedian: medianOfCuts(fit.clvCuts),
    atRiskBelow: await findAtRiskBelow(db, siteId),
  }
}

/** The 50th percentile among the 1st to 99th kept with a fit. */
function medianOfCuts(cuts: readonly number[]): number {
  const median = clvMedianOf(cuts)
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
