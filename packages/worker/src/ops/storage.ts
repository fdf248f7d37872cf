import {
  StorageCountsQuerySchema,
  StorageMigrateRequestSchema,
  type StorageCounts,
  type StorageMigrateResult,
} from '@stammis/contract'
import { Hono } from 'hono'
import type { AppEnv, Env } from '../env'
import { ApiError } from '../errors'
import { parseWith, readBody } from '../http/body'
import { countInD1, ledgerFor, ledgerSite, type LedgerSite } from '../ledger/client'
import { findSiteById } from '../sites/queries'

/** Rows read from D1 per page of the copy (one D1 query and one ledger transaction each). */
export const MIGRATE_PAGE_SIZE = 1000
/**
 * Pages per `POST /v1/ops/storage/migrate`: at most 10,000 rows a request, a second or two, well
 * inside a request's limits however large the site; the CLI calls again with the cursor.
 */
export const MIGRATE_PAGES_PER_CALL = 10

async function siteToMigrate(env: Env, siteId: string): Promise<LedgerSite> {
  const site = await findSiteById(env.DB, siteId)
  if (!site) throw new ApiError('site_not_found', `No site has the id "${siteId}".`)
  return ledgerSite(site)
}

/**
 * `storage migrate`'s two routes: one bounded step of a site's copy from D1 into its ledger
 * (`copyFromD1`: idempotent, resumable by cursor), and the rows per table on both sides.
 */
export const storageRoutes = new Hono<AppEnv>()
  .post('/migrate', async (c) => {
    const { siteId, cursor } = await readBody(c, StorageMigrateRequestSchema)
    const site = await siteToMigrate(c.env, siteId)
    const progress = await ledgerFor(c.env, site.id).copyFromD1(site, cursor ?? null, {
      pageSize: MIGRATE_PAGE_SIZE,
      maxPages: MIGRATE_PAGES_PER_CALL,
    })
    return c.json({
      cursor: progress.cursor,
      copied: progress.inserted,
    } satisfies StorageMigrateResult)
  })
  .get('/counts', async (c) => {
    const { siteId } = parseWith(StorageCountsQuerySchema, c.req.query())
    const site = await siteToMigrate(c.env, siteId)
    const [d1, ledger] = await Promise.all([
      countInD1(c.env.DB, site.id),
      ledgerFor(c.env, site.id).counts(),
    ])
    // The RPC answer is a plain object of numbers (plus the stub's disposer): copy its fields.
    return c.json({ d1, ledger: { ...ledger } } satisfies StorageCounts)
  })
