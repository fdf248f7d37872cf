import { z } from 'zod'
import { DateTimeSchema, IdSchema } from './ids'
import { ServedOfferSchema } from './rules'

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

/** Why a code may not be used. */
export const RedeemReasonSchema = z.enum([
  'unknown_code',
  'not_for_this_visitor',
  'expired',
  'already_redeemed',
])

/**
 * Answer of `POST /v1/admin/offers/redeem` (always 200 for a well-formed check): the code may be
 * used (`redeemed`: it is now marked used, false for a dry run), or why not.
 * @example { valid: true, code: 'BACK-7K2M9QXA', ruleId: 'welcome-back', offer: { kind: 'percent', value: 10, code: 'BACK-7K2M9QXA' }, expiresAt: null, redeemed: true }
 * @example { valid: false, code: 'NOPE', reason: 'unknown_code', message: 'No visitor was ever shown this code.' }
 */
export const RedeemResultSchema = z.discriminatedUnion('valid', [
  z.strictObject({
    valid: z.literal(true),
    code: z.string(),
    ruleId: z.string(),
    offer: ServedOfferSchema,
    expiresAt: DateTimeSchema.nullable(),
    redeemed: z.boolean(),
  }),
  z.strictObject({
    valid: z.literal(false),
    code: z.string(),
    reason: RedeemReasonSchema,
    message: z.string(),
  }),
])

export type RedeemRequest = z.infer<typeof RedeemRequestSchema>
export type RedeemReason = z.infer<typeof RedeemReasonSchema>
export type RedeemResult = z.infer<typeof RedeemResultSchema>
