import { z } from 'zod'
import { DateTimeSchema, IdSchema, UrlSchema } from './ids'
import { ProfileSchema, SegmentSchema } from './profile'
import { ContentSchema, ServedOfferSchema } from './rules'

/**
 * Example prediction figures for a preview (the previewed visitor has no real history): given, the
 * visitor counts as a customer with these figures, absent ones at their defaults (P(alive) 1,
 * CLV 0, percentile 0, days since the last purchase as the segment's last purchase gives, not due
 * to reorder). Not given: the visitor has no predictions and no prediction condition matches.
 * @example { clvPercentile: 95 } // a top-10% customer
 */
export const PreviewPredictionsSchema = z.strictObject({
  pAlive: z.number().min(0).max(1).optional(),
  predictedClv: z.number().finite().nonnegative().optional(),
  clvPercentile: z.number().int().min(0).max(99).optional(),
  daysSinceLastPurchase: z.number().int().min(0).max(36_500).optional(),
  dueForReorder: z.boolean().optional(),
})

/** Who to preview as: a segment, optionally lapsed, on a page, optionally as a given visitor id. */
export const PreviewAsSchema = z.strictObject({
  segment: SegmentSchema,
  lapsed: z.boolean().default(false),
  url: UrlSchema.optional(),
  referrer: UrlSchema.optional(),
  /** Orders and revenue to assume (default: one order per purchase visit, no revenue). */
  orders: z.number().int().nonnegative().optional(),
  revenue: z.number().nonnegative().optional(),
  /** Preview the holdout assignment this visitor id would get. */
  visitorId: IdSchema.optional(),
  /** Example prediction figures, for rules with prediction conditions. */
  predictions: PreviewPredictionsSchema.optional(),
})

/** Body of `POST /v1/admin/preview`. */
export const PreviewRequestSchema = PreviewAsSchema.extend({
  source: z.enum(['workspace', 'live']).default('workspace'),
})

/** Body of `POST /v1/admin/preview-links`. */
export const PreviewLinkRequestSchema = z.strictObject({
  segment: SegmentSchema,
  lapsed: z.boolean().default(false),
  /** The shop page to open, e.g. "https://shop.example/". */
  url: z.url({ protocol: /^https?$/ }),
  /** How long the link works: 1 minute to 7 days, default 24 hours. */
  ttlMinutes: z
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 60)
    .default(24 * 60),
})

/**
 * What one slot would show in a preview.
 * @example { slot: 'hero', ruleId: 'welcome-back', priority: 10, content: { type: 'text', value: 'Welcome back!' }, offer: null, holdoutPercent: 0, isHeldOut: null }
 */
export const SlotPreviewSchema = z.strictObject({
  slot: z.string(),
  /** The winning rule, or null: the page's default content shows. */
  ruleId: z.string().nullable(),
  priority: z.number().int().nullable(),
  content: ContentSchema.nullable(),
  offer: ServedOfferSchema.nullable(),
  /** Share of matching visitors held out of the winning rule (they see the default). */
  holdoutPercent: z.number().min(0).max(50),
  /** With a visitor id: whether that visitor is in the holdout. Without: null. */
  isHeldOut: z.boolean().nullable(),
})

/**
 * Answer of `POST /v1/admin/preview`: the made-up profile and what every slot of the rules would
 * show it. Nothing is recorded.
 * @example { source: 'workspace', profile: { visitorId: 'preview', segment: 'returning', ... }, slots: [] }
 */
export const PreviewResultSchema = z.strictObject({
  source: z.enum(['workspace', 'live']),
  profile: ProfileSchema,
  /** The prediction figures the preview assumed, when the request gave some. */
  predictions: z
    .strictObject({
      pAlive: z.number(),
      predictedClv: z.number(),
      clvPercentile: z.number(),
      daysSinceLastPurchase: z.number(),
      dueForReorder: z.boolean(),
    })
    .optional(),
  slots: z.array(SlotPreviewSchema),
})

/**
 * Answer of `POST /v1/admin/preview-links`: the shop page with its signed preview token.
 * @example { url: 'https://shop.example/?stammis_preview=...', token: '...', expiresAt: '2026-11-21T10:00:00.000Z' }
 */
export const PreviewLinkSchema = z.strictObject({
  url: z.url(),
  token: z.string(),
  expiresAt: DateTimeSchema,
})

export type PreviewRequest = z.infer<typeof PreviewRequestSchema>
export type PreviewLinkRequest = z.infer<typeof PreviewLinkRequestSchema>
export type SlotPreview = z.infer<typeof SlotPreviewSchema>
export type PreviewResult = z.infer<typeof PreviewResultSchema>
export type PreviewLink = z.infer<typeof PreviewLinkSchema>

export type PreviewPredictions = z.infer<typeof PreviewPredictionsSchema>
