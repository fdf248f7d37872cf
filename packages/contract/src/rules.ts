import { z } from 'zod'
import { DateTimeSchema, SlotNameSchema } from './ids'
import { SegmentSchema } from './profile'

/**
 * An incentive attached to a rule.
 * @example { kind: 'percent', value: 10, code: 'THANKS10' }
 */
export const OfferSchema = z
  .strictObject({
    kind: z.enum(['percent', 'amount', 'free_shipping']),
    /** Percent off (0-100], an amount off in the site's currency, or 0 for free shipping. */
    value: z.number().finite().nonnegative(),
    /** A static code everyone in the rule gets. */
    code: z.string().min(1).max(64).optional(),
    /**
     * Instead of a static code: a code of its own for every visitor, generated once and stable on
     * every visit, valid `validDays` after it was first shown (and never past `expiresAt`).
     */
    uniqueCodes: z
      .strictObject({
        prefix: z.string().regex(/^[A-Z0-9]{0,12}$/, 'use up to 12 capital letters or digits'),
        validDays: z.number().int().min(1).max(365),
      })
      .optional(),
    expiresAt: DateTimeSchema.optional(),
    /**
     * Serve this offer only when the rule's conditions (segment, orders, revenue, lapsed) also hold
     * on purchases the shop's server verified, so it cannot be unlocked with purchases faked from a
     * browser; otherwise the rule's content is served without it (a rule without content is then
     * skipped). Default: true for an offer with a code (static or unique), false otherwise. `false`
     * on a coded offer opts out, and rule checks warn about it (`unverified_coded_offer`).
     */
    requiresVerified: z.boolean().optional(),
  })
  .superRefine((offer, ctx) => {
    if (offer.code && offer.uniqueCodes) {
      ctx.addIssue({
        code: 'custom',
        path: ['uniqueCodes'],
        message: 'choose a static code or unique codes, not both',
      })
    }
    if (offer.kind === 'percent' && (offer.value <= 0 || offer.value > 100)) {
      ctx.addIssue({
        code: 'custom',
        path: ['value'],
        message: 'a percent offer must be above 0 and at most 100',
      })
    }
    if (offer.kind === 'amount' && offer.value <= 0) {
      ctx.addIssue({ code: 'custom', path: ['value'], message: 'an amount offer must be above 0' })
    }
  })

/**
 * An offer as a visitor is served it: a unique code resolved to this visitor's own code (with its
 * own expiry), and the rule's settings (`uniqueCodes`, `requiresVerified`) left out.
 * @example { kind: 'percent', value: 10, code: 'BACK-7K2M9QXA', expiresAt: '2026-12-31T23:59:59.000Z' }
 */
export const ServedOfferSchema = z
  .strictObject(OfferSchema.shape)
  .omit({ uniqueCodes: true, requiresVerified: true })

/** Any JSON value: string, number, boolean, null, array or object of them. */
export const JsonValueSchema = z.json()

export const ContentSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('text'), value: z.string().max(10_000) }),
  z.strictObject({ type: z.literal('html'), value: z.string().max(50_000) }),
  z.strictObject({ type: z.literal('json'), value: JsonValueSchema }),
])

/**
 * A range on a figure: at least `min`, at most `max` (both inclusive), at least one of them given.
 * @example { min: 0.2, max: 0.6 }
 */
function rangeSchema(bounds: { min: number; max: number; integer?: boolean }) {
  const number = bounds.integer ? z.number().int() : z.number().finite()
  return z
    .strictObject({
      min: number.min(bounds.min).max(bounds.max).optional(),
      max: number.min(bounds.min).max(bounds.max).optional(),
    })
    .refine((range) => range.min !== undefined || range.max !== undefined, {
      message: 'give min, max or both',
    })
    .refine(
      (range) => range.min === undefined || range.max === undefined || range.min <= range.max,
      {
        message: 'max must be at least min',
        path: ['max'],
      },
    )
}

/** The prediction conditions of a rule's `when` (docs/predictions.md): all need a purchase and a fit. */
export const PREDICTION_CONDITIONS = [
  'pAlive',
  'predictedClv',
  'clvPercentile',
  'daysSinceLastPurchase',
  'dueForReorder',
] as const

/**
 * Conditions a visitor must meet; every field is optional and all present ones must hold (AND).
 * Patterns use `*` as "any characters"; a pattern starting with `/` is matched against the path
 * and query of the URL, any other pattern against the whole URL.
 */
export const RuleWhenSchema = z
  .strictObject({
    segments: z.array(SegmentSchema).min(1).optional(),
    lapsed: z.boolean().optional(),
    minOrders: z.number().int().nonnegative().optional(),
    maxOrders: z.number().int().nonnegative().optional(),
    minRevenue: z.number().finite().nonnegative().optional(),
    maxRevenue: z.number().finite().nonnegative().optional(),
    minVisits: z.number().int().nonnegative().optional(),
    urlPattern: z.string().min(1).max(512).optional(),
    referrerPattern: z.string().min(1).max(512).optional(),
    /**
     * Prediction conditions, from the site's latest fit and the person's purchases: P(alive) 0-1,
     * predicted 52-week CLV (site currency), its percentile 0-99 within the site (90 = top 10%),
     * whole days since the last purchase day, and whether today is in the reorder window. A
     * visitor without a counted purchase, or a site without a fit, matches none of them.
     */
    pAlive: rangeSchema({ min: 0, max: 1 }).optional(),
    predictedClv: rangeSchema({ min: 0, max: 1e12 }).optional(),
    clvPercentile: rangeSchema({ min: 0, max: 99, integer: true }).optional(),
    daysSinceLastPurchase: rangeSchema({ min: 0, max: 36_500, integer: true }).optional(),
    dueForReorder: z.literal(true).optional(),
  })
  .superRefine((when, ctx) => {
    if (
      when.minOrders !== undefined &&
      when.maxOrders !== undefined &&
      when.minOrders > when.maxOrders
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['maxOrders'],
        message: 'maxOrders must be at least minOrders',
      })
    }
    if (
      when.minRevenue !== undefined &&
      when.maxRevenue !== undefined &&
      when.minRevenue > when.maxRevenue
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['maxRevenue'],
        message: 'maxRevenue must be at least minRevenue',
      })
    }
  })

export const RuleIdSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'may only contain letters, digits, "_" and "-"')

/**
 * What one segment sees in one slot. The highest-priority live, in-schedule rule whose `when`
 * matches wins the slot.
 * @example { id: 'welcome-back', slot: 'hero', priority: 10, status: 'live',
 *   when: { segments: ['returning'] }, content: { type: 'text', value: 'Welcome back!' } }
 */
export const RuleSchema = z
  .strictObject({
    id: RuleIdSchema,
    slot: SlotNameSchema,
    priority: z.number().int().min(-1_000_000).max(1_000_000).default(0),
    /** `live` is served (within its schedule); `draft` is not yet, `paused` no longer. */
    status: z.enum(['live', 'draft', 'paused']),
    when: RuleWhenSchema.default({}),
    content: ContentSchema.nullable().optional(),
    offer: OfferSchema.optional(),
    /** Share of matching visitors (0-50) kept as a control group: they see the page's default. */
    holdoutPercent: z.number().min(0).max(50).default(0),
    startsAt: DateTimeSchema.optional(),
    endsAt: DateTimeSchema.optional(),
  })
  .superRefine((rule, ctx) => {
    if (rule.startsAt && rule.endsAt && Date.parse(rule.endsAt) <= Date.parse(rule.startsAt)) {
      ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'endsAt must be after startsAt' })
    }
    if (!rule.content && !rule.offer) {
      ctx.addIssue({
        code: 'custom',
        path: ['content'],
        message: 'a rule needs content, an offer, or both',
      })
    }
  })

export const MAX_RULES = 500

/** Body of `PUT /v1/admin/rules`: the whole set, published atomically. */
export const RulesetInputSchema = z
  .strictObject({ rules: z.array(RuleSchema).max(MAX_RULES) })
  .superRefine((set, ctx) => {
    const seen = new Set<string>()
    set.rules.forEach((rule, index) => {
      if (seen.has(rule.id)) {
        ctx.addIssue({
          code: 'custom',
          path: ['rules', index, 'id'],
          message: `duplicate rule id "${rule.id}"`,
        })
      }
      seen.add(rule.id)
    })
  })

export type Offer = z.infer<typeof OfferSchema>
export type ServedOffer = z.infer<typeof ServedOfferSchema>
export type Content = z.infer<typeof ContentSchema>
export type RuleWhen = z.infer<typeof RuleWhenSchema>
export type Rule = z.infer<typeof RuleSchema>
export type RuleInput = z.input<typeof RuleSchema>
export type RulesetInput = z.infer<typeof RulesetInputSchema>

/**
 * A published set of rules, as `GET /v1/admin/rules` and `GET /v1/admin/rules/versions/:n` answer
 * it (version 0, published never and by no one, before the first publish).
 * @example { version: 3, publishedAt: '2026-11-20T10:00:00.000Z', publishedBy: 'Maria', note: null, rules: [] }
 */
export const RulesetSchema = z.strictObject({
  version: z.number().int().nonnegative(),
  publishedAt: DateTimeSchema.nullable(),
  publishedBy: z.string().nullable(),
  note: z.string().nullable(),
  rules: z.array(RuleSchema),
})

export type Ruleset = z.infer<typeof RulesetSchema>
