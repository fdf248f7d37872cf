import { run, type Sql } from './sql'
import type { PurgeResult } from './types'

/**
 * The retention purge of one site's ledger: raw events, the landing URL and referrer of visits,
 * and exposures, older than the site's retention. Visits, orders and the rollups are kept: they
 * are the facts classification and metrics are computed from. Each kind is deleted in chunks, one
 * transaction per chunk (the object answers other calls between chunks), through an index that
 * leads with the time, so a run reads only what it purges.
 */

/** One kind of expired data: a chunk of it purged (`?1` cutoff, `?2` chunk size). */
export type ExpiredData = { purgeChunk: string }

/** Raw events, by when they were received (`events_by_received`). */
export const EXPIRED_EVENTS: ExpiredData = {
  purgeChunk: `DELETE FROM events WHERE event_id IN
    (SELECT event_id FROM events WHERE received_at < ?1 ORDER BY received_at LIMIT ?2)`,
}

/**
 * The landing URL and referrer of visits that began before the cutoff (URLs can carry personal
 * data); the visit itself stays: classification and metrics count it.
 */
export const EXPIRED_VISIT_URLS: ExpiredData = {
  purgeChunk: `UPDATE visits SET url = NULL, referrer = NULL WHERE (visitor_id, visit_id) IN
    (SELECT visitor_id, visit_id FROM visits INDEXED BY visits_with_urls_by_start
     WHERE started_at < ?1 AND (url IS NOT NULL OR referrer IS NOT NULL) LIMIT ?2)`,
}

/**
 * Exposures last served before the cutoff: a visitor still being shown a rule keeps the row, and
 * with it their variant, first-exposure time and offer code.
 */
export const EXPIRED_EXPOSURES: ExpiredData = {
  purgeChunk: `DELETE FROM exposures WHERE (rule_id, visitor_id) IN
    (SELECT rule_id, visitor_id FROM exposures WHERE last_exposed_at < ?1 ORDER BY last_exposed_at LIMIT ?2)`,
}

/**
 * Purges one kind of data in chunks until none is left or `maxChunks` ran; `inTransaction` runs
 * each chunk atomically and `pause` lets other calls in between chunks.
 * @example await purgeExpired(sql, EXPIRED_EVENTS, cutoff, { chunkSize: 5000, maxChunks: 200 }, tx, pause)
 */
export async function purgeExpired(
  sql: Sql,
  data: ExpiredData,
  cutoff: number,
  options: { chunkSize: number; maxChunks: number },
  inTransaction: <T>(work: () => T) => T,
  pause: () => Promise<void>,
): Promise<PurgeResult> {
  let deleted = 0
  for (let chunk = 0; chunk < options.maxChunks; chunk++) {
    const changes = inTransaction(() => run(sql, data.purgeChunk, cutoff, options.chunkSize))
    deleted += changes
    if (changes < options.chunkSize) return { deleted, isComplete: true }
    await pause()
  }
  return { deleted, isComplete: false }
}
