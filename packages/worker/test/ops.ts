import { env } from 'cloudflare:test'
import { createApp } from '../src/app'
import { generateHistory } from './ledger-history'
import { writeOldSchema } from './old-schema'
import type { TestSite } from './helpers'

/** The operator token the tests configure (as long as a real one must be). */
export const TEST_OPS_TOKEN = 'test-ops-token-0123456789abcdefghijklmnop'

/**
 * Calls the worker's app with the test bindings and `OPS_TOKEN` set as given (undefined: not
 * configured, as on a deployment without the secret), so one test file can try both.
 * @example await opsFetch('/v1/ops/storage/counts?siteId=site_1', {}, TEST_OPS_TOKEN)
 */
export async function opsFetch(
  path: string,
  init: RequestInit,
  configuredToken: string | undefined,
): Promise<Response> {
  return createApp().request(`https://worker.test${path}`, init, {
    ...env,
    OPS_TOKEN: configuredToken,
  })
}

/** A POST of `body` as JSON with an optional bearer token. */
export function opsPost(body: unknown, bearer?: string): RequestInit {
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (bearer !== undefined) headers.authorization = `Bearer ${bearer}`
  return { method: 'POST', headers, body: JSON.stringify(body) }
}

/**
 * Fills D1's old history tables for a site with a generated shop's rows, as the worker wrote them
 * before the ledger (old-schema.ts).
 * @example await fillOldHistory(site, 12)
 */
export async function fillOldHistory(site: TestSite, visitors: number): Promise<void> {
  const start = Date.parse('2026-03-02T10:00:00Z')
  const log = generateHistory({
    seed: 5,
    start,
    spanDays: 40,
    rangeEnd: start + 40 * 86_400_000,
    timeZone: 'UTC',
    visitors,
  })
  await writeOldSchema(site.siteId, log, { currency: 'USD', timeZone: 'UTC' })
}
