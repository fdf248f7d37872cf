import { z } from 'zod'

export const SEGMENTS = ['shopper', 'returning', 'repeat'] as const

/**
 * - `shopper`: no purchase in an earlier visit (new visitors, and first-time buyers during that visit)
 * - `returning`: purchased in exactly one earlier visit, and is back
 * - `repeat`: purchased in two or more earlier visits, and is back
 */
export const SegmentSchema = z.enum(SEGMENTS)

/**
 * What the worker knows about a visitor, as seen from the visit the request belongs to.
 * @example { visitorId: 'v1', segment: 'returning', visits: 2, orders: 1, purchaseVisits: 1,
 *   revenue: 59.9, lastPurchaseAt: '2026-11-20T10:00:00.000Z', lapsed: false }
 */
export const ProfileSchema = z.strictObject({
  visitorId: z.string(),
  segment: SegmentSchema,
  /** Visits recorded for this visitor, counting the current one. */
  visits: z.number().int().nonnegative(),
  /** Orders recorded, in any visit (including the current one). */
  orders: z.number().int().nonnegative(),
  /** Distinct earlier visits with at least one purchase: what the segment is computed from. */
  purchaseVisits: z.number().int().nonnegative(),
  /** Sum of order revenue in the site's currency. */
  revenue: z.number().nonnegative(),
  lastPurchaseAt: z.string().nullable(),
  /** True when the last purchase is older than the site's lapse window. */
  lapsed: z.boolean(),
})

export type Segment = z.infer<typeof SegmentSchema>
export type Profile = z.infer<typeof ProfileSchema>
