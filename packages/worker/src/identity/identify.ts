import type { EventsRequest, IdentifyEvent } from '@stammis/contract'
import { CUSTOMER_PERSON_PREFIX, customerKey } from './customer-key'
import { findIdentitySecret } from './queries'
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
  identities: Record<string, IdentifyRecord>
  /**
   * The person of the batch's last signed identify (`c:<customer key>`), or null: the ledger links
   * the visitor to it, or (a shared computer: the visitor belongs to another customer) stores the
   * batch as it is and continues the customer under a fresh visitor id (`recordBatch`).
   */
  signedPerson: string | null
}

/**
 * Decides what an events batch's `identify` events do. Only a **signed** identify (the customer id
 * signed by the shop's server with the site's identity secret) acts; an unsigned one, or one with a
 * wrong signature, is recorded with `verified: false` and changes nothing the visitor sees, so a
 * customer id (or email address) alone never reveals anyone's history. Of the signed ones the last
 * wins: its person goes to the ledger, which alone knows whose the visitor is: a visitor that is
 * still its own person (or new) is linked to the customer; a visitor linked to this customer
 * stays; a visitor linked to a different customer is never moved (one visitor id, one customer):
 * the new customer gets a fresh visitor id instead, so two histories never mix. Reads D1 only for
 * batches that claim a signature (the identity secret).
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
  const identities: Record<string, IdentifyRecord> = {}
  if (identifies.length === 0) return { identities, signedPerson: null }

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
    identities[event.id] = record
    if (record.verified) lastSigned = record
  }
  return {
    identities,
    signedPerson: lastSigned ? CUSTOMER_PERSON_PREFIX + lastSigned.customerKey : null,
  }
}
