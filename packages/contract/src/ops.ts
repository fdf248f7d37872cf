import { z } from 'zod'

/**
 * Operator routes (`/v1/ops/*`): run by the deployment's operator with `OPS_TOKEN`, never by a
 * shop. `pnpm stammis storage migrate` drives them.
 */

/** Where a copy from D1 stands: opaque to the caller, who sends back what it was given. */
export const StorageCopyCursorSchema = z.strictObject({
  table: z.number().int().min(0).max(100),
  after: z
    .array(z.union([z.string().max(1024), z.number()]))
    .max(4)
    .nullable(),
  rebuild: z
    .strictObject({
      phase: z.enum(['people', 'customers', 'rollups']),
      after: z.string().max(1024),
    })
    .nullable()
    .optional(),
})

/**
 * Body of `POST /v1/ops/storage/migrate`: the site, and the cursor the previous step answered
 * (absent or null: from the start).
 * @example { siteId: 'site_V1StGXR8', cursor: null }
 */
export const StorageMigrateRequestSchema = z.strictObject({
  siteId: z.string().min(1).max(100),
  cursor: StorageCopyCursorSchema.nullable().optional(),
})

/** Query of `GET /v1/ops/storage/counts`. @example { siteId: 'site_V1StGXR8' } */
export const StorageCountsQuerySchema = z.strictObject({ siteId: z.string().min(1).max(100) })

/** Rows per history table, by table name. */
export const TableCountsSchema = z.record(z.string(), z.number().int().min(0))

/**
 * Answer of `POST /v1/ops/storage/migrate`: the rows this step copied per table (rows the ledger
 * already held are not counted), and the cursor to send next; null when the copy is complete and
 * the ledger's counters and rollups were rebuilt.
 * @example { cursor: { table: 1, after: null }, copied: { visitors: 812, visits: 4188 } }
 */
export const StorageMigrateResultSchema = z.strictObject({
  cursor: StorageCopyCursorSchema.nullable(),
  copied: TableCountsSchema,
})

/**
 * Answer of `GET /v1/ops/storage/counts?siteId=`: rows per history table in D1 (the tables the
 * history lived in before the ledger) and in the site's ledger (which also has `people`).
 * @example { d1: { visitors: 812, visits: 4188 }, ledger: { visitors: 812, people: 790, visits: 4188 } }
 */
export const StorageCountsSchema = z.strictObject({
  d1: TableCountsSchema,
  ledger: TableCountsSchema,
})

export type StorageCopyCursor = z.infer<typeof StorageCopyCursorSchema>
export type StorageMigrateRequest = z.infer<typeof StorageMigrateRequestSchema>
export type StorageMigrateResult = z.infer<typeof StorageMigrateResultSchema>
export type StorageCounts = z.infer<typeof StorageCountsSchema>
