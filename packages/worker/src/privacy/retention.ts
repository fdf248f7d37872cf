import type { Env } from '../env'
import { ledgerFor, type PurgeOptions } from '../ledger/client'
import { deleteExpiredSessions } from '../sessions/queries'

/** The retention a site starts with (migration 0006): 13 months, a year to compare with plus slack. */
export const DEFAULT_RETENTION_DAYS = 395

export type { PurgeOptions }

/** What one kind of expired data lost in a run. */
export type PurgeResult = {
  /** Rows purged per site (sites with nothing to purge are left out). */
  sites: { siteId: string; deleted: number }[]
  deleted: number
  /** False when some site's object stopped at its chunk budget with expired rows left. */
  isComplete: boolean
}

export type RetentionResult = {
  /** Raw events deleted (by when they were received). */
  events: PurgeResult
  /** Visits whose landing URL and referrer were cleared (the visits stay). */
  visitUrls: PurgeResult
  /** Exposures deleted (by when they were last served). */
  exposures: PurgeResult
  sessions: number
}

/** Sites read from D1 per page while the purge walks them. */
const SITES_PER_PAGE = 500

/**
 * The whole daily purge. For every site with a retention (D1 holds the setting), its ledger
 * deletes raw events, clears visit URLs and referrers, and deletes exposures older than
 * `retention_days` (`SiteLedger.purgeExpired`, in chunks of `chunkSize` rows, at most `maxChunks`
 * per kind and site: whatever is left goes in the next run). Visits, orders and the rollups stay:
 * they are the facts classification and metrics are computed from. Sites without a retention keep
 * everything. Then the admin sessions that have expired (D1), for every site.
 * @example const result = await purgeExpiredData(env, Date.now())
 */
export async function purgeExpiredData(
  env: Pick<Env, 'DB' | 'LEDGER'>,
  now: number,
  options: PurgeOptions = {},
): Promise<RetentionResult> {
  const empty = (): PurgeResult => ({ sites: [], deleted: 0, isComplete: true })
  const result = { events: empty(), visitUrls: empty(), exposures: empty() }
  for await (const site of sitesWithRetention(env.DB)) {
    const purged = await ledgerFor(env, site.id).purgeExpired(site.retention_days, now, options)
    for (const kind of ['events', 'visitUrls', 'exposures'] as const) {
      const { deleted, isComplete } = purged[kind]
      if (deleted > 0) result[kind].sites.push({ siteId: site.id, deleted })
      result[kind].deleted += deleted
      result[kind].isComplete &&= isComplete
    }
  }
  return { ...result, sessions: await deleteExpiredSessions(env.DB, now) }
}

/** Every site with a retention, by id, a page of D1 rows at a time. */
async function* sitesWithRetention(
  db: D1Database,
): AsyncGenerator<{ id: string; retention_days: number }> {
  let after = ''
  for (;;) {
    const page = await db
      .prepare(
        'SELECT id, retention_days FROM sites WHERE retention_days IS NOT NULL AND id > ?1 ORDER BY id LIMIT ?2',
      )
      .bind(after, SITES_PER_PAGE)
      .all<{ id: string; retention_days: number }>()
    yield* page.results
    if (page.results.length < SITES_PER_PAGE) return
    after = page.results[page.results.length - 1]!.id
  }
}

/**
 * The worker's `scheduled` handler (cron trigger in wrangler.jsonc): the daily retention purge.
 * @example export default { fetch: app.fetch, scheduled: handleScheduled }
 */
export async function handleScheduled(controller: ScheduledController, env: Env): Promise<void> {
  // Awaited rather than handed to waitUntil, so a failure marks the cron run as failed.
  const result = await purgeExpiredData(env, controller.scheduledTime)
  const isComplete =
    result.events.isComplete && result.visitUrls.isComplete && result.exposures.isComplete
  console.log(
    `retention purge: ${result.events.deleted} events deleted, ${result.visitUrls.deleted} visit URLs cleared, ` +
      `${result.exposures.deleted} exposures deleted, ${result.sessions} expired sessions deleted${isComplete ? '' : ', more left for the next run'}`,
  )
}
