import { z } from 'zod'
import { IdSchema, PublicKeySchema, SlotNameSchema, UrlSchema } from './ids'
import { ProfileSchema } from './profile'
import { ContentSchema, ServedOfferSchema } from './rules'

export const MAX_SLOTS_PER_DECIDE = 20

/**
 * Body of `POST /v1/decide`.
 * @example { site: 'pk_demo', visitorId: 'v1', visitId: 's1', slots: ['hero'], context: { url: '/' } }
 */
export const DecideRequestSchema = z.strictObject({
  site: PublicKeySchema,
  visitorId: IdSchema,
  visitId: IdSchema,
  slots: z
    .array(SlotNameSchema)
    .min(1)
    .max(MAX_SLOTS_PER_DECIDE)
    .refine((slots) => new Set(slots).size === slots.length, 'slots must not repeat'),
  context: z
    .strictObject({ url: UrlSchema.optional(), referrer: UrlSchema.optional() })
    .default({}),
  /** A signed preview token from a shareable preview link: forces a segment, records nothing. */
  preview: z.string().max(1024).optional(),
})

/**
 * What one slot should show. `control` means the visitor is in the rule's holdout: show the
 * page's default content (content and offer are null) so the lift can be measured.
 */
export const DecisionSchema = z.strictObject({
  ruleId: z.string(),
  variant: z.enum(['treatment', 'control']),
  content: ContentSchema.nullable(),
  offer: ServedOfferSchema.nullable(),
})

/**
 * Answer of `POST /v1/decide`: the profile and, for every slot asked, a decision or null (no rule
 * matches: keep the page's default). A bot gets nulls in every slot.
 * @example { profile: { visitorId: 'v1', segment: 'returning', ... }, decisions: { hero: { ruleId: 'welcome-back', variant: 'treatment', content: { type: 'text', value: 'Welcome back!' }, offer: null }, banner: null } }
 */
export const DecideResponseSchema = z.strictObject({
  profile: ProfileSchema,
  decisions: z.record(z.string(), DecisionSchema.nullable()),
  /** Present and true when answered for a preview link: a forced segment, nothing recorded. */
  preview: z.boolean().optional(),
})

export type DecideRequest = z.infer<typeof DecideRequestSchema>
export type DecideRequestInput = z.input<typeof DecideRequestSchema>
export type Decision = z.infer<typeof DecisionSchema>
export type DecideResponse = z.infer<typeof DecideResponseSchema>
