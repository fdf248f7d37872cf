import type { Env } from '../env'
import { ApiError } from '../errors'
import { HOUR_MS } from '../lib/days'
import { localDay } from '../lib/time-zone'
import { findSiteById } from '../sites/queries'
import { fitSite } from './fit-site'
import { sitesToRefit } from './store'

/** A site is refitted when its latest fit is older than this (the cron runs daily). */
export const REFIT_AFTER_MS = 20 * HOUR_MS

/**
 * A run starts no new fit after this much time: it stays inside one scheduled invocation's CPU
 * limit (30 s by default on Workers Paid). Fitting CDNOW's 23,570 customers takes about 1 s of CPU
 * (docs/predictions.md, "Speed"), a shop of a few hundred customers milliseconds, so a run fits
 * every site of a normal deployment; any left over are the first of the next run (queue order).
 */
export const REFIT_BUDGET_MS = 20_000

export type RefitResult = { fitted: number; empty: number; failed: number; left: number }

/**
 * The daily refit (cron): each site whose fit is older than `REFIT_AFTER_MS`, as of its own
 * today, one after another until `REFIT_BUDGET_MS` is spent. A site with no customer yet is
 * skipped; a site whose fit fails is logged and skipped (its previous fit stays in use).
 * @example await refitSites(env, Date.now())
 */
export async function refitSites(
  env: Pick<Env, 'DB' | 'LEDGER'>,
  now: number,
  budgetMs = REFIT_BUDGET_MS,
  clock: () => number = Date.now,
): Promise<RefitResult> {
  const started = clock()
  const queue = await sitesToRefit(env.DB, now - REFIT_AFTER_MS)
  const result: RefitResult = { fitted: 0, empty: 0, failed: 0, left: 0 }
  for (const [index, siteId] of queue.entries()) {
    if (clock() - started >= budgetMs) {
      result.left = queue.length - index
      break
    }
    const site = await findSiteById(env.DB, siteId)
    if (!site) continue
    try {
      await fitSite(env, site, localDay(now, site.timeZone), now)
      result.fitted++
    } catch (error) {
      if (error instanceof ApiError && error.code === 'nothing_to_fit') result.empty++
      else {
        result.failed++
        console.error(`prediction refit of site ${siteId} failed`, error)
      }
    }
  }
  return result
}
