import type { EventsRequest } from '@stammis/contract'
import { nanoid } from 'nanoid'
import { CUSTOMER_PERSON_PREFIX, customerKey } from './customer-key'
import { findPersonOf } from './queries'

export type IdentifyPlan = {
  /** Customer id → stored key, for every identify event in the batch. */
  customerKeys: Map<string, string>
  /** Link the visitor to this person in the batch's transaction. */
  linkToPerson: string | undefined
  /**
   * The visitor already belongs to another customer (a shared computer): the batch is stored for
   * the visitor as it is, and the new customer continues under this fresh visitor id.
   */
  switchTo: { visitorId: string; personId: string } | undefined
}

/**
 * Decides what an events batch's `identify` events do. The last identify wins; a visitor that is
 * still its own person (or new) is linked to the customer; a visitor linked to this customer stays;
 * a visitor linked to a different customer is never moved (one visitor id, one customer): the new
 * customer gets a fresh visitor id instead, so two people's histories never mix.
 * @example const plan = await planIdentify(env.DB, site, request)
 */
export async function planIdentify(db: D1Database, site: { id: string; codeSecret: string }, request: EventsRequest): Promise<IdentifyPlan> {
  const identifies = request.events.filter((event) => event.type === 'identify')
  const customerKeys = new Map<string, string>()
  for (const event of identifies) customerKeys.set(event.customerId, await customerKey(site.codeSecret, event.customerId))
  const last = identifies.at(-1)
  if (!last) return { customerKeys, linkToPerson: undefined, switchTo: undefined }

  const target = CUSTOMER_PERSON_PREFIX + customerKeys.get(last.customerId)!
  const current = await findPersonOf(db, site.id, request.visitorId)
  if (current === null || current === request.visitorId || current === target) {
    return { customerKeys, linkToPerson: target, switchTo: undefined }
  }
  return { customerKeys, linkToPerson: undefined, switchTo: { visitorId: nanoid(), personId: target } }
}
