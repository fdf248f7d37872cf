import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import type { StorageCounts, StorageMigrateResult } from '@stammis/contract'
import { countInD1 } from '../src/ledger/client'
import { MIGRATE_PAGE_SIZE, MIGRATE_PAGES_PER_CALL } from '../src/ops/storage'
import { MIN_OPS_TOKEN_LENGTH } from '../src/ops/token'
import { createTestSite, type ErrorJson } from './helpers'
import { ledgerFor } from './ledger'
import { fillOldHistory, opsFetch, opsPost, TEST_OPS_TOKEN } from './ops'

const counts = (siteId: string) =>
  opsFetch(
    `/v1/ops/storage/counts?siteId=${siteId}`,
    { headers: { authorization: `Bearer ${TEST_OPS_TOKEN}` } },
    TEST_OPS_TOKEN,
  )

/** Calls the migrate route until the cursor is null, as the CLI does; the copied rows per table. */
async function migrateAll(
  siteId: string,
): Promise<{ calls: number; copied: Record<string, number> }> {
  const copied: Record<string, number> = {}
  let cursor: StorageMigrateResult['cursor'] = null
  let calls = 0
  do {
    const response = await opsFetch(
      '/v1/ops/storage/migrate',
      opsPost({ siteId, cursor }, TEST_OPS_TOKEN),
      TEST_OPS_TOKEN,
    )
    expect(response.status).toBe(200)
    const step = (await response.json()) as StorageMigrateResult
    for (const [table, n] of Object.entries(step.copied)) copied[table] = (copied[table] ?? 0) + n
    cursor = step.cursor
    if (++calls > 1000) throw new Error('the migration does not end')
  } while (cursor)
  return { calls, copied }
}

describe('POST /v1/ops/storage/migrate and GET /v1/ops/storage/counts', () => {
  it("copies a site's old D1 history in bounded steps, and counts both sides", async () => {
    const site = await createTestSite()
    await fillOldHistory(site, 40)
    const inD1 = await countInD1(env.DB, site.siteId)
    expect(inD1.visits).toBeGreaterThan(40)

    const before = (await (await counts(site.siteId)).json()) as StorageCounts
    expect(before.d1).toEqual(inD1)
    expect(Object.values(before.ledger).every((n) => n === 0)).toBe(true)

    const first = await migrateAll(site.siteId)
    expect(first.copied).toEqual(inD1)
    const after = (await (await counts(site.siteId)).json()) as StorageCounts
    expect(after.d1).toEqual(inD1)
    for (const [table, n] of Object.entries(inD1)) expect(after.ledger[table], table).toBe(n)
    expect(after.ledger.people).toBeGreaterThan(0)

    // Idempotent: a second run copies nothing and leaves the counts as they were.
    const second = await migrateAll(site.siteId)
    expect(Object.values(second.copied).every((n) => n === 0)).toBe(true)
    expect(await ledgerFor(site.siteId).counts()).toEqual(after.ledger)
  })

  it('answers each step within its bound of pages', async () => {
    const site = await createTestSite()
    await fillOldHistory(site, 40)
    const response = await opsFetch(
      '/v1/ops/storage/migrate',
      opsPost({ siteId: site.siteId }, TEST_OPS_TOKEN),
      TEST_OPS_TOKEN,
    )
    const step = (await response.json()) as StorageMigrateResult
    const rows = Object.values(step.copied).reduce((sum, n) => sum + n, 0)
    expect(rows).toBeGreaterThan(0)
    expect(rows).toBeLessThanOrEqual(MIGRATE_PAGE_SIZE * MIGRATE_PAGES_PER_CALL)
  })

  it('refuses an unknown site and a malformed cursor, copying nothing', async () => {
    const site = await createTestSite()
    await fillOldHistory(site, 5)
    const unknown = await opsFetch(
      '/v1/ops/storage/migrate',
      opsPost({ siteId: 'site_nobody' }, TEST_OPS_TOKEN),
      TEST_OPS_TOKEN,
    )
    expect(unknown.status).toBe(404)
    expect(((await unknown.json()) as ErrorJson).error.code).toBe('site_not_found')
    const unknownCounts = await counts('site_nobody')
    expect(unknownCounts.status).toBe(404)

    for (const cursor of [{ table: -1, after: null }, { table: 0, after: 'x' }, 'start']) {
      const refused = await opsFetch(
        '/v1/ops/storage/migrate',
        opsPost({ siteId: site.siteId, cursor }, TEST_OPS_TOKEN),
        TEST_OPS_TOKEN,
      )
      expect(refused.status, JSON.stringify(cursor)).toBe(400)
      expect(((await refused.json()) as ErrorJson).error.code).toBe('invalid_request')
    }
    const missingSite = await opsFetch(
      '/v1/ops/storage/counts',
      {
        headers: { authorization: `Bearer ${TEST_OPS_TOKEN}` },
      },
      TEST_OPS_TOKEN,
    )
    expect(missingSite.status).toBe(400)
    expect(Object.values(await ledgerFor(site.siteId).counts()).every((n) => n === 0)).toBe(true)
  })

  it(`takes an OPS_TOKEN of ${MIN_OPS_TOKEN_LENGTH} characters, and stays off with one character less`, async () => {
    const site = await createTestSite()
    const path = `/v1/ops/storage/counts?siteId=${site.siteId}`
    const token = 'k'.repeat(MIN_OPS_TOKEN_LENGTH)
    const bearer = (value: string) => ({ headers: { authorization: `Bearer ${value}` } })
    expect((await opsFetch(path, bearer(token), token)).status).toBe(200)
    const shorter = token.slice(1)
    expect((await opsFetch(path, bearer(shorter), shorter)).status).toBe(404)
  })
})
