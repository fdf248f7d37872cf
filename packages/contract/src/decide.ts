import { z } from 'zod'
import { IdSchema, PublicKeySchema, SlotNameSchema, UrlSchema } from './ids'
import { ProfileSchema } from './profile'
import { ContentSchema, ServedOfferSchema } from './rules'

export const MAX_SLOTS_PER_DECIDE = 20

/**
 * The longest `profileToken` a decide may carry. Tokens the worker issues stay under 300
 * characters; the cap leaves room for later token versions while bounding what a browser can send.
 */
export const MAX_PROFILE_TOKEN_LENGTH = 512

/**
 * The signed profile token of `POST /v1/events` and `POST /v1/decide` answers: an HMAC-signed
 * (per site), compact summary of what a decision needs about this visitor's person, issued by
 * the worker and opaque to the browser. The SDK keeps the latest one (localStorage and the
 * first-party cookie `stm_p`, so a worker in front of the shop can read it too) and sends it back
 * in decide, which may then answer without a storage read. A token that does not verify is
 * ignored (decide reads storage), never trusted.
 * @example 'WzEsIms...XQ.3q2-7w...'
 */
export const ProfileTokenSchema = z.string().max(MAX_PROFILE_TOKEN_LENGTH)

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
  /** The latest `profileToken` of an events or decide answer for this visitor, if any. */
  profileToken: ProfileTokenSchema.optional(),
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
  /**
   * A fresh signed profile token for this visitor, to send back in the next decide. Optional
   * until every worker issues one; never present in a preview answer.
   */
  profileToken: z.string().optional(),
})

export type DecideRequest = z.infer<typeof DecideRequestSchema>
export type DecideRequestInput = z.input<typeof DecideRequestSchema>
export type Decision = z.infer<typeof DecisionSchema>
export type DecideResponse = z.infer<typeof DecideResponseSchema>
