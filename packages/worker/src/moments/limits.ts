import { MINUTE_MS, SECOND_MS } from '../lib/days'

/** Destinations one site may have at once: each moment is one delivery per destination. */
export const MAX_DESTINATIONS_PER_SITE = 10

/**
 * Attempts per delivery before it becomes a dead letter: the first and 5 retries. The queue's
 * `max_retries` in wrangler.jsonc is this minus 1, so the consumer always sees the last attempt
 * and records the dead letter itself.
 */
export const MAX_DELIVERY_ATTEMPTS = 6

/** The wait before the first retry; each retry waits twice the one before (30 s, 1, 2, 4, 8 min). */
export const RETRY_BASE_SECONDS = 30

/** No retry waits longer than this (Queues allow up to 12 hours). */
export const MAX_RETRY_DELAY_SECONDS = 3600

/** A destination that has not answered within this is a failed attempt. */
export const DELIVERY_TIMEOUT_MS = 10 * SECOND_MS

/** The most of a failed attempt's error (status and body start) kept in the log. */
export const MAX_ERROR_LENGTH = 300

/** Delivery-log rows the admin API and page show (the newest). */
export const DELIVERY_LOG_PAGE = 100

/** A pending delivery never attempted after this long lost its queue message: the scan re-sends it. */
export const STALE_PENDING_MS = 15 * MINUTE_MS

/**
 * The wait before retrying after failed attempt `attempt` (1 = the first): doubling from
 * RETRY_BASE_SECONDS, at most MAX_RETRY_DELAY_SECONDS.
 * @example retryDelaySeconds(1) // 30; retryDelaySeconds(3) // 120
 */
export function retryDelaySeconds(attempt: number): number {
  return Math.min(MAX_RETRY_DELAY_SECONDS, RETRY_BASE_SECONDS * 2 ** Math.max(0, attempt - 1))
}

/** Customers per ledger call of the daily scan. */
export const SCAN_PAGE_SIZE = 200
