import type { Env } from '../env'
import type { PurchaseTransition } from '../ledger/client'
import { customerIdOfPerson } from '../identity/customer-key'
import { sendMoment } from './send'

/**
 * Sends the moments a purchase caused (the `transitions` of the ledger's `recordBatch` and
 * `storeServerOrders`): became returning, became repeat, won back. Customers without an id the
 * email tool knows are skipped. Meant for `waitUntil`, after the route has answered; the delivery
 * log's idempotency key makes a repeated call a no-op. Answers how many deliveries were queued.
 * @example c.executionCtx.waitUntil(sendTransitionMoments(c.env, site, result.transitions))
 */
export async function sendTransitionMoments(
  env: Pick<Env, 'DB' | 'MOMENTS_QUEUE'>,
  site: { id: string },
  transitions: readonly PurchaseTransition[],
  now = Date.now(),
): Promise<number> {
  let queued = 0
  for (const transition of transitions) {
    const customerId = customerIdOfPerson(transition.personId)
    if (customerId === null) continue
    const { type, occurrence, data } = transition
    queued += (await sendMoment(env, site, { type, customerId, occurrence, data }, now)).queued
  }
  return queued
}

/**
 * What a route does with the transitions its purchases caused: sends their moments after the
 * answer (`waitUntil`), logging a failure instead of failing the route. Nothing to do, no work.
 * @example afterPurchases(c.env, site, result.transitions, (p) => c.executionCtx.waitUntil(p), now)
 */
export function afterPurchases(
  env: Pick<Env, 'DB' | 'MOMENTS_QUEUE'>,
  site: { id: string },
  transitions: readonly PurchaseTransition[],
  waitUntil: (promise: Promise<unknown>) => void,
  now = Date.now(),
): void {
  if (transitions.length === 0) return
  waitUntil(
    sendTransitionMoments(env, site, transitions, now).catch((error: unknown) =>
      console.error('sending transition moments failed', error),
    ),
  )
}
