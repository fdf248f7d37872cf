import type { EventsRequest, IdentifyEvent } from '@stammis/contract'
import { nanoid } from 'nanoid'
import { CUSTOMER_PERSON_PREFIX, customerKey } from './customer-key'
import { findIdentitySecret, findPersonOf } from './queries'
import { isSignedIdentity } from './signature'

/** What an identify event stores in place of the customer id it carried. */
export type IdentifyRecord = {
  /** The stored form of the customer id (never a raw email). */
  customerKey: string
  /** Signed by the shop's server with the site's identity secret: only these merge histories. */
  verified: boolean
}

export type IdentifyPlan = {
  /** By event id: what each identify event of the batch stores. */
  identities: Map<string, IdentifyRecord>
  /** Link the visitor to this person in the batch's transaction. */
  linkToPerson: string | undefined
  /**
   * The visitor already belongs to another customer (a shared computer): the batch is stored for
   * the visitor as it is, and the new customer continues under this fresh visitor id.
   */
  switchTo: { visitorId: string; personId: string } | undefined
}

/**
 * Decides what an events batch's `identify` events do. Only a **signed** identify (the customer id
 * signed by the shop's server with the site's identity secret) acts; an unsigned one, or one with a
 * wrong signature, is recorded with `verified: false` and changes nothing the visitor sees, so a
 * customer id (or email address) alone never reveals anyone's history. Of the signed ones the last
 * wins: a visitor that is still its own person (or new) is linked to the customer; a visitor linked
 * to this customer stays; a visitor linked to a different customer is never moved (one visitor id,
 * one customer): the new customer gets a fresh visitor id instead, so two histories never mix.
 * @example const plan = await planIdentify(env.DB, site, request)
 */
export async function planIdentify(
  db: D1Database,
  site: { id: string; codeSecret: string },
  request: EventsRequest,
): Promise<IdentifyPlan> {
  const identifies = request.events.filter(
    (event): event is IdentifyEvent => event.type === 'identify',
  )
  const identities = new Map<string, IdentifyRecord>()
  const none = { identities, linkToPerson: undefined, switchTo: undefined }
  if (identifies.length === 0) return none

  // The secret is read only for batches that claim a signature.
  const secret = identifies.some((event) => event.signature)
    ? await findIdentitySecret(db, site.id)
    : null
  let lastSigned: IdentifyRecord | undefined
  for (const event of identifies) {
    const record = {
      customerKey: await customerKey(site.codeSecret, event.customerId),
      verified: await isSignedIdentity(secret, event.customerId, event.signature),
    }
    identities.set(event.id, record)
    if (record.verified) lastSigned = record
  }
  if (!lastSigned) return none

  const target = CUSTOMER_PERSON_PREFIX + lastSigned.customerKey
  const current = await findPersonOf(db, site.id, request.visitorId)
  if (current === null || current === request.visitorId || current === target) {
    return { identities, linkToPerson: target, switchTo: undefined }
  }
  return {
    identities,
    linkToPerson: undefined,
    switchTo: { visitorId: nanoid(), personId: target },
  }
}
