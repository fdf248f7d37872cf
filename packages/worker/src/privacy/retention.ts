import type { Env } from '../env'
import { DAY_MS } from '../lib/days'
import { deleteExpiredSessions } from '../sessions/queries'

/** The retention a site starts with (migration 0006): 13 months, a year to compare with plus slack. */
export const DEFAULT_RETENTION_DAYS = 395

export type PurgeOptions = {
  /** Rows deleted (or cleared) per statement: small enough to stay well inside D1's per-query limits. */
  chunkSize?: number
  /** Statements per run and kind of data; whatever is left is purged by the next run. */
  maxChunks?: number
}

export type PurgeResult = {
  /** Rows purged per site (sites with nothing to purge are left out). */
  sites: { siteId: string; deleted: number }[]
  deleted: number
  /** False when the run stopped at `maxChunks` with expired rows left. */
  isComplete: boolean
}

/**
 * One kind of expired data: which sites have some (`?1` now, `?2` a day in ms, `s` the site), and
 * one chunk of it purged (`?1` site, `?2` cutoff, `?3` chunk size). Both read an index that leads
 * with (site_id, time), so a run reads only what it purges.
 */
type ExpiredData = { sitesWithExpired: string; purgeChunk: string }

/** Raw events, by when they were received (`events_by_received`). */
const EVENTS: ExpiredData = {
  sitesWithExpired:
    'EXISTS (SELECT 1 FROM events e WHERE e.site_id = s.id AND e.received_at < ?1 - s.retention_days * ?2)',
  purgeChunk: `DELETE FROM events WHERE site_id = ?1 AND event_id IN
    (SELECT event_id FROM events WHERE site_id = ?1 AND received_at < ?2 LIMIT ?3)`,
}

/**
 * The landing URL and referrer of visits that began before the cutoff (`visits_with_urls_by_start`,
 * which a visit leaves once cleared). The visit itself stays: classification and metrics count it.
 */
const VISIT_URLS: ExpiredData = {
  sitesWithExpired:
    'EXISTS (SELECT 1 FROM visits v WHERE v.site_id = s.id AND v.started_at < ?1 - s.retention_days * ?2 AND (v.url IS NOT NULL OR v.referrer IS NOT NULL))',
  purgeChunk: `UPDATE visits SET url = NULL, referrer = NULL WHERE site_id = ?1 AND (visitor_id, visit_id) IN
    (SELECT visitor_id, visit_id FROM visits WHERE site_id = ?1 AND started_at < ?2 AND (url IS NOT NULL OR referrer IS NOT NULL) LIMIT ?3)`,
}

/**
 * Exposures last served before the cutoff (`exposures_by_last_exposed`): a visitor still being
 * shown a rule keeps the row, and with it their variant, first-exposure time and offer code.
 */
const EXPOSURES: ExpiredData = {
  sitesWithExpired:
    'EXISTS (SELECT 1 FROM exposures x WHERE x.site_id = s.id AND x.last_exposed_at < ?1 - s.retention_days * ?2)',
  purgeChunk: `DELETE FROM exposures WHERE site_id = ?1 AND (rule_id, visitor_id) IN
    (SELECT rule_id, visitor_id FROM exposures WHERE site_id = ?1 AND last_exposed_at < ?2 LIMIT ?3)`,
}

async function purgeExpired(
  env: Pick<Env, 'DB'>,
  data: ExpiredData,
  now: number,
  options: PurgeOptions,
): Promise<PurgeResult> {
  const { chunkSize = 5000, maxChunks = 200 } = options
  // Only sites with something to purge (one index probe each), so the chunk budget goes to them.
  const sites = await env.DB.prepare(
    `SELECT s.id, s.retention_days FROM sites s WHERE s.retention_days IS NOT NULL AND ${data.sitesWithExpired} ORDER BY s.id`,
  )
    .bind(now, DAY_MS)
    .all<{ id: string; retention_days: number }>()
  const purgeChunk = env.DB.prepare(data.purgeChunk)

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
      changes = (await purgeChunk.bind(site.id, cutoff, chunkSize).run()).meta.changes
      deleted += changes
    }
    if (deleted > 0) result.sites.push({ siteId: site.id, deleted })
    result.deleted += deleted
    if (!result.isComplete) break
  }
  return result
}

/**
 * Deletes raw events older than each site's `retention_days` (by `received_at`); sites with no
 * retention keep them forever. Visits, orders and the daily rollups are kept: orders are the
 * purchase facts classification and metrics are computed from. Deletes in chunks (via the
 * `events_by_received` index), so a first run on years of data cannot hit D1's limits.
 * @example await purgeExpiredEvents(env, Date.now())
 */
export function purgeExpiredEvents(
  env: Pick<Env, 'DB'>,
  now: number,
  options: PurgeOptions = {},
): Promise<PurgeResult> {
  return purgeExpired(env, EVENTS, now, options)
}

/**
 * Clears the landing URL and referrer of visits that began longer ago than the site's retention
 * (URLs can carry personal data in their query); the visits stay. `deleted` counts visits cleared.
 * @example await purgeExpiredVisitUrls(env, Date.now())
 */
export function purgeExpiredVisitUrls(
  env: Pick<Env, 'DB'>,
  now: number,
  options: PurgeOptions = {},
): Promise<PurgeResult> {
  return purgeExpired(env, VISIT_URLS, now, options)
}

/**
 * Deletes exposures last served longer ago than the site's retention. Offer lift for ranges older
 * than the retention loses them, like any raw data; the daily rollups are not made from them.
 * @example await purgeExpiredExposures(env, Date.now())
 */
export function purgeExpiredExposures(
  env: Pick<Env, 'DB'>,
  now: number,
  options: PurgeOptions = {},
): Promise<PurgeResult> {
  return purgeExpired(env, EXPOSURES, now, options)
}

export type RetentionResult = {
  events: PurgeResult
  visitUrls: PurgeResult
  exposures: PurgeResult
  sessions: number
}

/**
 * The whole daily purge: raw events, visit URLs and referrers, and exposures older than each
 * site's retention, and admin sessions that have expired (for every site, whatever its retention).
 * @example const result = await purgeExpiredData(env, Date.now())
 */
export async function purgeExpiredData(
  env: Pick<Env, 'DB'>,
  now: number,
  options: PurgeOptions = {},
): Promise<RetentionResult> {
  return {
    events: await purgeExpiredEvents(env, now, options),
    visitUrls: await purgeExpiredVisitUrls(env, now, options),
    exposures: await purgeExpiredExposures(env, now, options),
    sessions: await deleteExpiredSessions(env.DB, now),
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
