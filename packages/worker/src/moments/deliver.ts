import type { Env } from '../env'
import { SECOND_MS } from '../lib/days'
import { signWebhook } from '../lib/webhook-signature'
import { checkDestinationUrl } from './destination-url'
import {
  DELIVERY_TIMEOUT_MS,
  MAX_DELIVERY_ATTEMPTS,
  MAX_ERROR_LENGTH,
  retryDelaySeconds,
} from './limits'
import { dropDelivery, findDeliveryJob, recordAttempt, type DeliveryJob } from './queries'
import type { DeliveryMessage } from './send'

/** Whether local destinations (http on 127.0.0.1 / localhost) are allowed: development only. */
export function allowsLocalDestinations(
  env: Pick<Env, 'MOMENTS_ALLOW_LOCAL_DESTINATIONS'>,
): boolean {
  return env.MOMENTS_ALLOW_LOCAL_DESTINATIONS === 'on'
}

/**
 * The worker's `queue()` handler for the moments queue: attempts each delivery once. Delivered,
 * or nothing left to do: acked. Failed: retried after `retryDelaySeconds(attempt)`, until attempt
 * MAX_DELIVERY_ATTEMPTS, which writes the dead letter and acks. Messages are independent: one
 * failing never holds back the others of its batch.
 * @example export default { queue: handleMomentBatch }
 */
export async function handleMomentBatch(
  batch: MessageBatch<DeliveryMessage>,
  env: Env,
): Promise<void> {
  for (const message of batch.messages) {
    const outcome = await attemptDelivery(env, message.body.deliveryId, message.attempts)
    if (outcome === 'retry') message.retry({ delaySeconds: retryDelaySeconds(message.attempts) })
    else message.ack()
  }
}

/**
 * One attempt of one delivery (`attempt` counts from 1): POSTs the signed payload and records the
 * outcome. 'retry' when it failed and attempts are left.
 * @example await attemptDelivery(env, 'dlv_V1St', 1) // 'done' | 'retry'
 */
export async function attemptDelivery(
  env: Env,
  deliveryId: string,
  attempt: number,
  now = Date.now(),
): Promise<'done' | 'retry'> {
  const job = await findDeliveryJob(env.DB, deliveryId)
  // Gone (the site was erased) or already delivered (a duplicate message): nothing to do.
  if (!job || job.status === 'delivered') return 'done'
  if (!job.destination) {
    await dropDelivery(env.DB, job.id, 'destination deleted', now)
    return 'done'
  }
  const error = await post(env, job, job.destination, now)
  if (error === null) {
    await recordAttempt(env.DB, job, { status: 'delivered', error: null }, Date.now())
    return 'done'
  }
  const isLast = attempt >= MAX_DELIVERY_ATTEMPTS
  await recordAttempt(env.DB, job, { status: isLast ? 'dead' : 'failed', error }, Date.now())
  return isLast ? 'done' : 'retry'
}

/** Sends the signed payload; null on a 2xx answer, else what went wrong (kept short). */
async function post(
  env: Env,
  job: DeliveryJob,
  destination: { url: string; secret: string },
  now: number,
): Promise<string | null> {
  // Checked again at each attempt: the rules may have tightened since the destination was added.
  const refusal = checkDestinationUrl(destination.url, { allowLocal: allowsLocalDestinations(env) })
  if (refusal) return `destination refused: ${refusal}`
  const timestamp = Math.floor(now / SECOND_MS)
  try {
    const response = await fetch(destination.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Stammis-Moments/1',
        'stammis-timestamp': String(timestamp),
        'stammis-signature': await signWebhook(destination.secret, timestamp, job.payload),
        'stammis-idempotency-key': job.idempotencyKey,
      },
      body: job.payload,
      // A redirect could point anywhere (an internal address): it counts as a failure.
      redirect: 'manual',
      signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
    })
    if (response.status >= 200 && response.status < 300) {
      await response.body?.cancel()
      return null
    }
    const text = (await response.text().catch(() => '')).replace(/\s+/g, ' ').trim()
    return truncate(`HTTP ${response.status}${text ? `: ${text}` : ''}`)
  } catch (error) {
    return truncate(error instanceof Error ? `${error.name}: ${error.message}` : String(error))
  }
}

function truncate(text: string): string {
  return text.length > MAX_ERROR_LENGTH ? `${text.slice(0, MAX_ERROR_LENGTH - 1)}…` : text
}
