import { z } from 'zod'
import { DateTimeSchema } from './ids'

/**
 * Every lifecycle moment Stammis sends to a shop's email tool (see docs/predictions.md, "Moments"):
 * - `customer.became_returning`: the customer's first counted purchase visit (shopper → returning);
 * - `customer.became_repeat`: their second (returning → repeat);
 * - `customer.won_back`: a purchase after they had lapsed (no purchase within the site's lapse window);
 * - `customer.lapsed`: the lapse window passed since their last purchase (daily scan);
 * - `customer.due_for_reorder`: today is in the window around their next expected purchase (daily scan);
 * - `customer.at_risk`: P(alive) fell below the threshold while their CLV is above the site's
 *   median (daily scan, needs a prediction fit).
 */
export const MOMENT_TYPES = [
  'customer.became_returning',
  'customer.became_repeat',
  'customer.won_back',
  'customer.lapsed',
  'customer.due_for_reorder',
  'customer.at_risk',
] as const

export const MomentTypeSchema = z.enum(MOMENT_TYPES)
export type MomentType = z.infer<typeof MomentTypeSchema>

/** The longest destination URL accepted. */
export const MAX_DESTINATION_URL_LENGTH = 2048

/**
 * Body of `POST /v1/admin/destinations`: where to send which moments. The URL must be https (a
 * destination on 127.0.0.1 or localhost is accepted over http only in local development) and may
 * not point at a private, loopback or link-local address.
 * @example { url: 'https://hooks.example.com/stammis', moments: ['customer.lapsed', 'customer.won_back'] }
 */
export const CreateDestinationRequestSchema = z.strictObject({
  url: z.string().min(1).max(MAX_DESTINATION_URL_LENGTH),
  moments: z
    .array(MomentTypeSchema)
    .min(1)
    .max(MOMENT_TYPES.length)
    .refine((moments) => new Set(moments).size === moments.length, 'moments must not repeat'),
})
export type CreateDestinationRequest = z.infer<typeof CreateDestinationRequestSchema>

/** A destination as listed: its secret is never shown again after it was created. */
export const DestinationSchema = z.strictObject({
  id: z.string(),
  url: z.string(),
  moments: z.array(MomentTypeSchema),
  createdAt: DateTimeSchema,
})
export type Destination = z.infer<typeof DestinationSchema>

/**
 * Answer of `POST /v1/admin/destinations` (201): the destination and its signing secret, shown
 * this once. Deliveries carry `Stammis-Signature: v1=<hex HMAC-SHA256 of "<timestamp>.<body>">`.
 * @example { destination: { id: 'dst_V1St', url: 'https://hooks.example.com/stammis', moments: ['customer.lapsed'], createdAt: '2026-11-29T10:00:00.000Z' }, secret: 'mhsec_…' }
 */
export const DestinationCreatedSchema = z.strictObject({
  destination: DestinationSchema,
  secret: z.string(),
})

/** Answer of `GET /v1/admin/destinations`. */
export const DestinationListSchema = z.strictObject({ destinations: z.array(DestinationSchema) })

/**
 * The JSON body of every delivery, signed as a whole. `idempotencyKey` (also the
 * `Stammis-Idempotency-Key` header) is the same for every attempt and resend of one moment to one
 * destination: a receiver that remembers it handles each moment once.
 * @example { type: 'customer.lapsed', idempotencyKey: 'mk_3f2a…', siteId: 'site_1', customerId: 'cust-42', occurrence: '2026-08-01', occurredAt: '2026-11-29T04:41:00.000Z', data: { lastPurchaseDay: '2026-08-01', lapseDays: 90 } }
 */
export const MomentPayloadSchema = z.strictObject({
  type: MomentTypeSchema,
  idempotencyKey: z.string(),
  siteId: z.string(),
  /** The customer id as the shop gave it (its own id, never an email address Stammis hashed). */
  customerId: z.string(),
  /** What makes this moment one occurrence: e.g. the last purchase day it lapsed from. */
  occurrence: z.string(),
  occurredAt: DateTimeSchema,
  data: z.record(z.string(), z.unknown()),
})
export type MomentPayload = z.infer<typeof MomentPayloadSchema>

export const DeliveryStatusSchema = z.enum(['pending', 'delivered', 'failed', 'dead'])

/** One row of the delivery log. */
export const DeliverySchema = z.strictObject({
  id: z.string(),
  destinationId: z.string(),
  type: MomentTypeSchema,
  customerId: z.string(),
  occurrence: z.string(),
  status: DeliveryStatusSchema,
  attempts: z.number().int().nonnegative(),
  lastError: z.string().nullable(),
  createdAt: DateTimeSchema,
  updatedAt: DateTimeSchema,
  deliveredAt: DateTimeSchema.nullable(),
})
export type Delivery = z.infer<typeof DeliverySchema>

/** Answer of `GET /v1/admin/moments/deliveries`: the newest first, and counts per moment and status. */
export const DeliveryLogSchema = z.strictObject({
  deliveries: z.array(DeliverySchema),
  counts: z.array(
    z.strictObject({
      type: MomentTypeSchema,
      status: DeliveryStatusSchema,
      deliveries: z.number().int().nonnegative(),
    }),
  ),
})

export type DestinationList = z.infer<typeof DestinationListSchema>
export type DeliveryLog = z.infer<typeof DeliveryLogSchema>

/** Answer of `POST /v1/admin/moments/deliveries/:id/resend`. */
export const ResendResultSchema = z.strictObject({ resent: z.literal(true) })
export type ResendResult = z.infer<typeof ResendResultSchema>
