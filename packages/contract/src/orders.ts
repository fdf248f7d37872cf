import { z } from 'zod'
import { CurrencySchema, DateTimeSchema, IdSchema } from './ids'
import { MoneySchema } from './limits'

export const MAX_ORDERS_PER_IMPORT = 1000

/**
 * An order as the shop's server reports it: imported history, or a purchase it confirms. With a
 * `visitorId` (from the browser's cookie `stm_v`) the order is tied to that visitor's visit; with
 * only a `customerId` it counts for that customer on every device.
 * @example { orderId: 'A-1001', customerId: 'cust-42', revenue: 59.9, currency: 'USD', placedAt: '2026-11-20T10:00:00Z' }
 */
export const ServerOrderSchema = z
  .strictObject({
    orderId: z.string().min(1).max(128),
    customerId: z.string().min(1).max(256).optional(),
    visitorId: IdSchema.optional(),
    revenue: MoneySchema,
    currency: CurrencySchema,
    placedAt: DateTimeSchema,
    discount: MoneySchema.optional(),
  })
  .refine((order) => order.customerId || order.visitorId, {
    message: 'name the customerId, the visitorId, or both',
    path: ['customerId'],
  })

/** Body of `POST /v1/admin/orders` and of the order webhook. */
export const ServerOrdersRequestSchema = z.strictObject({
  orders: z.array(ServerOrderSchema).min(1).max(MAX_ORDERS_PER_IMPORT),
})

/**
 * Answer of `POST /v1/admin/orders` and of the order webhook.
 * @example { accepted: 2, confirmed: 1, conflicts: 0, duplicates: 0 }
 */
export const ServerOrdersResultSchema = z.strictObject({
  /** New orders stored. */
  accepted: z.number().int().nonnegative(),
  /** Orders the browser had reported exactly as the server does, now verified. */
  confirmed: z.number().int().nonnegative(),
  /**
   * Orders the browser had reported differently (another visitor or customer, revenue or
   * currency): the server's version replaced the browser's, and both people were recounted.
   */
  conflicts: z.number().int().nonnegative(),
  /** Orders already stored and verified: nothing changed. */
  duplicates: z.number().int().nonnegative(),
})

export type ServerOrdersResult = z.infer<typeof ServerOrdersResultSchema>
export type ServerOrder = z.infer<typeof ServerOrderSchema>
