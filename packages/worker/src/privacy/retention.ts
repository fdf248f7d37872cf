import type { Env } from '../env'

const DAY_MS = 86_400_000

/** The retention a site starts with (migration 0006): 13 months, a year to compare with plus slack. */
export const DEFAULT_RETENTION_DAYS = 395

export type PurgeOptions = {
  /** Events deleted per statement: small enough to stay well inside D1's per-query limits. */
  chunkSize?: number
  /** Statements per run; whatever is left is deleted by the next run. */
  maxChunks?: number
}

export type PurgeResult = {
  /** Events deleted per site (sites with nothing to delete are left out). */
  sites: { siteId: string; deleted: number }[]
  deleted: number
  /** False when the run stopped at `maxChunks` with expired events left. */
  isComplete: boolean
}

/**
 * Deletes raw events older than each site's `retention_days` (by `received_at`); sites with no
 * retention keep them forever. Visits, orders and the daily rollups are kept: orders are the
 * purchase facts classification and metrics are computed from. Deletes in chunks (via the
 * `events_by_received` index), so a first run on years of data cannot hit D1's limits.
 * @example await purgeExpiredEvents(env, Date.now())
 */
export async function purgeExpiredEvents(env: Pick<Env, 'DB'>, now: number, options: PurgeOptions = {}): Promise<PurgeResult> {
  const { chunkSize = 5000, maxChunks = 200 } = options
  // Only sites with something to delete (one index probe each), so the chunk budget goes to them.
  const sites = await env.DB.prepare(
    `SELECT s.id, s.retention_days FROM sites s
     WHERE s.retention_days IS NOT NULL
       AND EXISTS (SELECT 1 FROM events e WHERE e.site_id = s.id AND e.received_at < ?1 - s.retention_days * ?2)
     ORDER BY s.id`,
  )
    .bind(now, DAY_MS)
    .all<{ id: string; retention_days: number }>()
  const deleteChunk = env.DB.prepare(
    `DELETE FROM events WHERE site_id = ?1 AND event_id IN
       (SELECT event_id FROM events WHERE site_id = ?1 AND received_at < ?2 LIMIT ?3)`,
  )

  const result: PurgeResult = { sites: [], deleted: 0, isComplete: true }
  let chunks = 0
  for (const site of sites.results) {
    const cutoff = now - site.retention_days * DAY_MS
    let deleted = 0
    let changes = chunkSize
    while (changes === chunkSize) {
      if (chunks++ >= maxChunks) {
        result.isComplete = false
        break
      }
      changes = (await deleteChunk.bind(site.id, cutoff, chunkSize).run()).meta.changes
      deleted += changes
    }
    if (deleted > 0) result.sites.push({ siteId: site.id, deleted })
    result.deleted += deleted
    if (!result.isComplete) break
  }
  return result
}

/**
 * The worker's `scheduled` handler (cron trigger in wrangler.jsonc): the daily retention purge.
 * @example export default { fetch: app.fetch, scheduled: handleScheduled }
 */
export async function handleScheduled(controller: ScheduledController, env: Env): Promise<void> {
  // Awaited rather than handed to waitUntil, so a failure marks the cron run as failed.
  const result = await purgeExpiredEvents(env, controller.scheduledTime)
  console.log(`retention purge: ${result.deleted} events deleted${result.isComplete ? '' : ', more left for the next run'}`)
}
