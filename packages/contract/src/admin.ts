import { z } from 'zod'
import { IdSchema, UrlSchema } from './ids'
import { SegmentSchema } from './profile'
import { RulesetInputSchema } from './rules'

/** Body of `PUT /v1/admin/workspace`: the working copy marketers edit before publishing. */
export const WorkspaceInputSchema = RulesetInputSchema

/** Body of `POST /v1/admin/workspace/publish` and of `PUT /v1/admin/rules` extras. */
export const PublishInputSchema = z.strictObject({
  note: z.string().max(500).optional(),
})

/** Body of `POST /v1/admin/rules/rollback`. */
export const RollbackInputSchema = z.strictObject({
  version: z.number().int().positive(),
  note: z.string().max(500).optional(),
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

/** Body of `POST /v1/admin/offers/redeem`, called by the shop's checkout server. */
export const RedeemRequestSchema = z
  .strictObject({
    code: z.string().min(1).max(64),
    visitorId: IdSchema.optional(),
    customerId: z.string().min(1).max(256).optional(),
    orderId: z.string().min(1).max(128).optional(),
    /** Check only: answer whether the code is valid without marking it used. */
    dryRun: z.boolean().default(false),
  })
  .refine((body) => body.visitorId || body.customerId, {
    message: 'name the visitorId or the customerId the code is being used by',
    path: ['visitorId'],
  })

export type WarningCode =
  | 'priority_tie'
  | 'never_matches'
  | 'shadowed'
  | 'new_visitors_favoured'
  | 'unverified_coded_offer'
  | 'html_sanitized'

/** A problem found in a rule set: shown in the editor and returned by the API, never blocking. */
export type RuleWarning = { code: WarningCode; slot: string; ruleIds: string[]; message: string }

export type RuleChange = { id: string; fields: string[] }
export type RulesetDiff = { added: string[]; removed: string[]; changed: RuleChange[] }

/** One published version in the audit log. */
export type VersionSummary = {
  version: number
  publishedAt: string
  publishedBy: string
  note: string | null
  ruleCount: number
  /** Changes from the version before it. */
  diff: RulesetDiff
}

export type PreviewRequest = z.infer<typeof PreviewRequestSchema>
export type PreviewLinkRequest = z.infer<typeof PreviewLinkRequestSchema>
export type RedeemRequest = z.infer<typeof RedeemRequestSchema>
