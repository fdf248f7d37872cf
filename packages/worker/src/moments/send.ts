import type { MomentPayload, MomentType } from '@stammis/contract'
import type { Env } from '../env'
import { sha256Hex } from '../lib/crypto'
import { nanoid } from 'nanoid'
import { insertDeliveries, listDestinations, type NewDelivery } from './queries'

/** One lifecycle moment of one customer. */
export type Moment = {
  type: MomentType
  /** The customer id as the shop gave it (the id its email tool knows). */
  customerId: string
  /**
   * What makes this one occurrence, e.g. the last purchase day a customer lapsed from: the same
   * type, customer and occurrence are sent at most once per destination.
   */
  occurrence: string
  data: Record<string, unknown>
}

/** The queue message: the delivery-log row to attempt (everything else is read from D1). */
export type DeliveryMessage = { deliveryId: string }

/**
 * The idempotency key of a moment at a destination: derived from site, destination, moment type,
 * customer and occurrence (SHA-256, so a long customer id makes no long key), the same on every
 * attempt and resend. Unique in the delivery log and sent as `Stammis-Idempotency-Key`.
 * @example await idempotencyKey('site_1', 'dst_1', moment) // 'mk_3f2a…' (64 hex digits)
 */
export async function idempotencyKey(
  siteId: string,
  destinationId: string,
  moment: Pick<Moment, 'type' | 'customerId' | 'occurrence'>,
): Promise<string> {
  const parts = [siteId, destinationId, moment.type, moment.customerId, moment.occurrence]
  return `mk_${await sha256Hex(JSON.stringify(parts))}`
}

/**
 * Sends a moment to every destination of the site subscribed to its type: one delivery-log row
 * and one queue message each. A moment already sent to a destination (same idempotency key) is
 * skipped there, so calling this twice for one occurrence sends once. Returns how many deliveries
 * were queued and how many were already known.
 * @example ctx.waitUntil(sendMoment(env, site, { type: 'customer.became_repeat', customerId: 'cust-42', occurrence: 'repeat', data: {} }))
 */
export async function sendMoment(
  env: Pick<Env, 'DB' | 'MOMENTS_QUEUE'>,
  site: { id: string },
  moment: Moment,
  now = Date.now(),
): Promise<{ queued: number; duplicates: number }> {
  const destinations = (await listDestinations(env.DB, site.id)).filter((destination) =>
    destination.moments.includes(moment.type),
  )
  const rows: NewDelivery[] = []
  for (const destination of destinations) {
    const key = await idempotencyKey(site.id, destination.id, moment)
    const payload: MomentPayload = {
      type: moment.type,
      idempotencyKey: key,
      siteId: site.id,
      customerId: moment.customerId,
      occurrence: moment.occurrence,
      occurredAt: new Date(now).toISOString(),
      data: moment.data,
    }
    rows.push({
      id: `dlv_${nanoid()}`,
      siteId: site.id,
      destinationId: destination.id,
      idempotencyKey: key,
      type: moment.type,
      customerId: moment.customerId,
      occurrence: moment.occurrence,
      payload: JSON.stringify(payload),
      createdAt: now,
    })
  }
  const fresh = await insertDeliveries(env.DB, rows)
  await queueDeliveries(env, fresh)
  return { queued: fresh.length, duplicates: rows.length - fresh.length }
}

/**
 * Puts deliveries on the moments queue (at most 100 per `sendBatch`, the Queues limit).
 * @example await queueDeliveries(env, ['dlv_V1St'])
 */
export async function queueDeliveries(
  env: Pick<Env, 'MOMENTS_QUEUE'>,
  deliveryIds: readonly string[],
): Promise<void> {
  for (let start = 0; start < deliveryIds.length; start += QUEUE_BATCH) {
    const messages = deliveryIds
      .slice(start, start + QUEUE_BATCH)
      .map((deliveryId) => ({ body: { deliveryId } satisfies DeliveryMessage }))
    await env.MOMENTS_QUEUE.sendBatch(messages)
  }
}

/** Messages per `sendBatch` call: the Queues limit. */
const QUEUE_BATCH = 100
