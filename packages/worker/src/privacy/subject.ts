import { CUSTOMER_PERSON_PREFIX, customerPersonId } from '../identity/customer-key'
import { findVisitorsOfPerson } from '../identity/queries'
import type { Site } from '../sites/site'
import { findPersonMembers, type Subject } from './queries'

/** A subject and who it is, as export and erase report it. */
export type ResolvedSubject = Subject & {
  /** The person the data belongs to: the visitor's own id, or `c:<customerKey>`. */
  personId: string
  /** A visitor erased while its person keeps other visitors: their counters must be recomputed. */
  hasOtherVisitors: boolean
}

/**
 * One visitor: its own rows and the codes it redeemed as `visitor:<id>`. When it is the last
 * visitor of a customer, the customer's own redemptions (held as the person id) go with it, since
 * nothing else would be left of that customer.
 * @example await visitorSubject(env.DB, site, 'V1St')
 */
export async function visitorSubject(
  db: D1Database,
  site: Site,
  visitorId: string,
): Promise<ResolvedSubject> {
  const person = await findPersonMembers(db, site.id, visitorId)
  const personId = person?.personId ?? visitorId
  const hasOtherVisitors = (person?.members.length ?? 0) > 1
  const isLastOfCustomer = personId.startsWith(CUSTOMER_PERSON_PREFIX) && !hasOtherVisitors
  return {
    siteId: site.id,
    personId,
    hasOtherVisitors,
    visitorIds: isLastOfCustomer ? [visitorId, personId] : [visitorId],
    holders: isLastOfCustomer ? [`visitor:${visitorId}`, personId] : [`visitor:${visitorId}`],
  }
}

/**
 * A customer, by the id the shop knows it by (emails are matched through their salted hash): every
 * visitor linked to it, and rows held under the person id itself.
 * @example await customerSubject(env.DB, site, 'ana@example.com')
 */
export async function customerSubject(
  db: D1Database,
  site: Site,
  customerId: string,
): Promise<ResolvedSubject> {
  const personId = await customerPersonId(site.codeSecret, customerId)
  const visitors = await findVisitorsOfPerson(db, site.id, personId)
  return {
    siteId: site.id,
    personId,
    hasOtherVisitors: false,
    visitorIds: [...visitors, personId],
    holders: [personId, ...visitors.map((visitorId) => `visitor:${visitorId}`)],
  }
}
