import { z } from 'zod'
import { DateTimeSchema } from './ids'

/** Body and answer of `PUT /v1/admin/settings/retention` (and `GET`): whole days, or null to keep raw events forever. */
export const RetentionSettingSchema = z.strictObject({
  retentionDays: z.number().int().min(1).max(3650).nullable(),
})

/** One stored row, every column (present and future) in camelCase, without the site id. */
const ExportRowSchema = z.record(z.string(), z.unknown())

const subjectTables = {
  /** The person the subject belongs to: a visitor's own id, or `c:<customer key>`. */
  personId: z.string(),
  visitors: z.array(ExportRowSchema),
  visits: z.array(ExportRowSchema),
  /** Events with their `data` parsed. */
  events: z.array(ExportRowSchema),
  orders: z.array(ExportRowSchema),
  exposures: z.array(ExportRowSchema),
  offerRedemptions: z.array(ExportRowSchema),
  dailySegmentVisitors: z.array(ExportRowSchema),
}

/**
 * Answer of `GET /v1/admin/visitors/:id`: everything held about a visitor, table by table.
 * @example { visitorId: 'V1St', exportedAt: '2026-11-20T10:00:00.000Z', personId: 'V1St', visitors: [{ visitorId: 'V1St', ... }], visits: [], events: [], orders: [], exposures: [], offerRedemptions: [], dailySegmentVisitors: [] }
 */
export const VisitorExportSchema = z.strictObject({
  visitorId: z.string(),
  exportedAt: DateTimeSchema,
  ...subjectTables,
})

/** Answer of `GET /v1/admin/customers/:id`: everything held about a customer, on all their devices. */
export const CustomerExportSchema = z.strictObject({
  customerId: z.string(),
  exportedAt: DateTimeSchema,
  ...subjectTables,
})

const RowCountSchema = z.number().int().nonnegative()

/**
 * Answer of `DELETE /v1/admin/visitors/:id` and `/v1/admin/customers/:id`: how many rows each
 * table lost.
 * @example { erased: { events: 12, visits: 3, orders: 1, exposures: 2, daily_segment_visitors: 3, offer_redemptions: 0, visitors: 1 } }
 */
export const EraseResultSchema = z.strictObject({
  erased: z.strictObject({
    events: RowCountSchema,
    visits: RowCountSchema,
    orders: RowCountSchema,
    exposures: RowCountSchema,
    daily_segment_visitors: RowCountSchema,
    offer_redemptions: RowCountSchema,
    visitors: RowCountSchema,
  }),
})

/** Filtered bot requests of one local day (days without any are left out). */
export const BotDaySchema = z.strictObject({
  day: z.iso.date(),
  events: RowCountSchema,
  decides: RowCountSchema,
})

/**
 * Answer of `GET /v1/admin/bots`: bot requests filtered per local day of the range, and in all.
 * @example { from: '2026-11-01', to: '2026-11-30', days: [{ day: '2026-11-03', events: 4, decides: 2 }], total: { events: 4, decides: 2 } }
 */
export const BotsReportSchema = z.strictObject({
  from: z.iso.date(),
  to: z.iso.date(),
  days: z.array(BotDaySchema),
  total: z.strictObject({ events: RowCountSchema, decides: RowCountSchema }),
})

export type RetentionSetting = z.infer<typeof RetentionSettingSchema>
export type VisitorExport = z.infer<typeof VisitorExportSchema>
export type CustomerExport = z.infer<typeof CustomerExportSchema>
export type EraseResult = z.infer<typeof EraseResultSchema>
export type BotDay = z.infer<typeof BotDaySchema>
export type BotsReport = z.infer<typeof BotsReportSchema>
