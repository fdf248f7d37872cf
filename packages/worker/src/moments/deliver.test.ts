import { createExecutionContext, createMessageBatch, env, getQueueResult } from 'cloudflare:test'
import { MomentPayloadSchema } from '@stammis/contract'
import { describe, expect, it, vi } from 'vitest'
import { createTestSite } from '../../test/helpers'
import { eventually } from '../../test/helpers'
import { deliveryRows, receivedBy, receiverDestination } from '../../test/moments'
import { handleMomentBatch } from './deliver'
import { MAX_DELIVERY_ATTEMPTS, retryDelaySeconds } from './limits'
import { insertDeliveries } from './queries'
import { idempotencyKey, sendMoment, type DeliveryMessage, type Moment } from './send'

const lapsed: Moment = {
  type: 'customer.lapsed',
  customerId: 'cust-42',
  occurrence: '2026-08-01',
  data: { lastPurchaseDay: '2026-08-01', lapseDays: 90 },
}

/** A delivery-log row written directly (not queued), so a test drives the consumer itself. */
async function unqueuedDelivery(siteId: string, destinationId: string): Promise<string> {
  const id = `dlv_test_${crypto.randomUUID()}`
  const key = await idempotencyKey(siteId, destinationId, lapsed)
  const payload = JSON.stringify({
    type: lapsed.type,
    idempotencyKey: key,
    siteId,
    customerId: lapsed.customerId,
    occurrence: lapsed.occurrence,
    occurredAt: new Date().toISOString(),
    data: lapsed.data,
  })
  await insertDeliveries(env.DB, [
    {
      id,
      siteId,
      destinationId,
      idempotencyKey: key,
      type: lapsed.type,
      customerId: lapsed.customerId,
      occurrence: lapsed.occurrence,
      payload,
      createdAt: Date.now(),
    },
  ])
  return id
}

/**
 * Runs the worker's consumer on one message at a given attempt, through the test pool's batch.
 * The pool's result says which messages were retried but not their delay, so the delay is read
 * from the message's own `retry` call.
 */
async function consume(deliveryId: string, attempts: number) {
  const batch = createMessageBatch<DeliveryMessage>('stammis-moments', [
    { id: `msg-${attempts}`, timestamp: new Date(), attempts, body: { deliveryId } },
  ])
  const retry = vi.spyOn(batch.messages[0]!, 'retry')
  const ctx = createExecutionContext()
  await handleMomentBatch(batch, env)
  const result = await getQueueResult(batch, ctx)
  return { ...result, retryDelays: retry.mock.calls.map(([options]) => options?.delaySeconds) }
}

describe('moment delivery through the real queue', () => {
  it('sends a moment to each subscribed destination, signed, and the receiver verifies it', async () => {
    const site = await createTestSite()
    const hook = await receiverDestination(site, ['customer.lapsed', 'customer.won_back'])
    const other = await receiverDestination(site, ['customer.became_repeat'])

    expect(await sendMoment(env, { id: site.siteId }, lapsed)).toEqual({
      queued: 1,
      duplicates: 0,
    })

    // The real queue hands the message to this worker's queue() handler, which POSTs over the
    // network to the receiver.
    const [received] = await eventually(async () => {
      const list = await receivedBy(hook.name)
      return list.length > 0 ? list : undefined
    })
    expect(received!.verified).toBe(true)
    expect(received!.headers.contentType).toBe('application/json')
    const payload = MomentPayloadSchema.parse(JSON.parse(received!.body))
    expect(payload).toMatchObject({
      type: 'customer.lapsed',
      siteId: site.siteId,
      customerId: 'cust-42',
      occurrence: '2026-08-01',
      data: lapsed.data,
    })
    expect(received!.headers.idempotencyKey).toBe(payload.idempotencyKey)
    expect(payload.idempotencyKey).toBe(await idempotencyKey(site.siteId, hook.id, lapsed))
    expect(await receivedBy(other.name)).toEqual([])

    const row = await eventually(async () => {
      const [delivery] = await deliveryRows(site.siteId)
      return delivery?.status === 'delivered' ? delivery : undefined
    })
    expect(row).toMatchObject({ attempts: 1, last_error: null, destination_id: hook.id })
  }, 30_000)

  it('sends one occurrence once: a repeated trigger is a no-op', async () => {
    const site = await createTestSite()
    await receiverDestination(site, ['customer.lapsed'])
    expect((await sendMoment(env, { id: site.siteId }, lapsed)).queued).toBe(1)
    expect(await sendMoment(env, { id: site.siteId }, lapsed)).toEqual({
      queued: 0,
      duplicates: 1,
    })
    // Another occurrence of the same moment is a new delivery.
    const next = { ...lapsed, occurrence: '2026-10-02' }
    expect((await sendMoment(env, { id: site.siteId }, next)).queued).toBe(1)
    expect((await deliveryRows(site.siteId)).map((row) => row.occurrence)).toEqual([
      '2026-08-01',
      '2026-10-02',
    ])
  })

  it('sends nothing when no destination takes the moment', async () => {
    const site = await createTestSite()
    await receiverDestination(site, ['customer.won_back'])
    expect(await sendMoment(env, { id: site.siteId }, lapsed)).toEqual({
      queued: 0,
      duplicates: 0,
    })
    expect(await deliveryRows(site.siteId)).toEqual([])
  })
})

describe('the consumer: retries with backoff, then a dead letter', () => {
  it('retries a failed attempt later each time, and delivers once the receiver answers', async () => {
    const site = await createTestSite()
    const hook = await receiverDestination(site, ['customer.lapsed'], { failures: 2, status: 503 })
    const deliveryId = await unqueuedDelivery(site.siteId, hook.id)

    const first = await consume(deliveryId, 1)
    expect(first.retryMessages).toEqual([{ msgId: 'msg-1' }])
    expect(first.retryDelays).toEqual([retryDelaySeconds(1)])
    expect((await deliveryRows(site.siteId))[0]).toMatchObject({
      status: 'failed',
      attempts: 1,
      last_error: 'HTTP 503: try later',
    })

    const second = await consume(deliveryId, 2)
    expect(second.retryDelays).toEqual([retryDelaySeconds(2)])
    expect(retryDelaySeconds(2)).toBeGreaterThan(retryDelaySeconds(1))

    const third = await consume(deliveryId, 3)
    expect(third.retryMessages).toEqual([])
    expect(third.retryDelays).toEqual([])
    expect(third.explicitAcks).toEqual(['msg-3'])
    expect((await deliveryRows(site.siteId))[0]).toMatchObject({
      status: 'delivered',
      attempts: 3,
      last_error: null,
    })

    // Every attempt carried the same idempotency key and a valid signature.
    const received = await receivedBy(hook.name)
    expect(received).toHaveLength(3)
    expect(received.every((delivery) => delivery.verified)).toBe(true)
    expect(new Set(received.map((delivery) => delivery.headers.idempotencyKey)).size).toBe(1)

    // A duplicate message of a delivered delivery sends nothing more.
    expect((await consume(deliveryId, 1)).explicitAcks).toEqual(['msg-1'])
    expect(await receivedBy(hook.name)).toHaveLength(3)
  })

  it('writes a dead letter after the last attempt and stops retrying', async () => {
    const site = await createTestSite()
    const hook = await receiverDestination(site, ['customer.lapsed'], { failures: 99, status: 500 })
    const deliveryId = await unqueuedDelivery(site.siteId, hook.id)

    const beforeLast = await consume(deliveryId, MAX_DELIVERY_ATTEMPTS - 1)
    expect(beforeLast.retryMessages).toEqual([{ msgId: `msg-${MAX_DELIVERY_ATTEMPTS - 1}` }])
    expect(beforeLast.retryDelays).toEqual([retryDelaySeconds(MAX_DELIVERY_ATTEMPTS - 1)])
    const last = await consume(deliveryId, MAX_DELIVERY_ATTEMPTS)
    expect(last.retryMessages).toEqual([])
    expect(last.explicitAcks).toEqual([`msg-${MAX_DELIVERY_ATTEMPTS}`])

    expect((await deliveryRows(site.siteId))[0]).toMatchObject({ status: 'dead', attempts: 2 })
    const dead = await env.DB.prepare('SELECT * FROM moment_dead_letters WHERE delivery_id = ?1')
      .bind(deliveryId)
      .first()
    expect(dead).toMatchObject({ site_id: site.siteId, last_error: 'HTTP 500: try later' })
  })

  it('counts an unreachable destination as a failed attempt', async () => {
    const site = await createTestSite()
    const hook = await receiverDestination(site, ['customer.lapsed'])
    // Nothing listens on port 9 of 127.0.0.1 (discard): the connection is refused.
    await env.DB.prepare('UPDATE moment_destinations SET url = ?2 WHERE id = ?1')
      .bind(hook.id, 'http://127.0.0.1:9/nothing')
      .run()
    const deliveryId = await unqueuedDelivery(site.siteId, hook.id)
    const result = await consume(deliveryId, 1)
    expect(result.retryMessages).toHaveLength(1)
    const [row] = await deliveryRows(site.siteId)
    expect(row!.status).toBe('failed')
    expect(row!.last_error).toBeTruthy()
  })

  it('drops a delivery whose destination was deleted, without sending it', async () => {
    const site = await createTestSite()
    const hook = await receiverDestination(site, ['customer.lapsed'])
    const deliveryId = await unqueuedDelivery(site.siteId, hook.id)
    await env.DB.prepare('UPDATE moment_destinations SET deleted_at = 1 WHERE id = ?1')
      .bind(hook.id)
      .run()
    expect((await consume(deliveryId, 1)).explicitAcks).toEqual(['msg-1'])
    expect((await deliveryRows(site.siteId))[0]).toMatchObject({
      status: 'dead',
      last_error: 'destination deleted',
    })
    expect(await receivedBy(hook.name)).toEqual([])
  })
})
