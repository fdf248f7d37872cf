import type { StammisEvent } from '@stammis/contract'
import { hasQuotaRoom } from '../limits/quota'
import { toMicros } from '../lib/money'
import { localDay } from '../lib/time-zone'
import { nanoid } from 'nanoid'
import { refreshCustomer } from './customers'
import { countersOf, purchaseTransitions } from './moments'
import { addEvent } from './events'
import { addOrder } from './orders'
import { recountPerson, visitorState } from './people'
import { writeQuota } from './quota'
import type { Sql } from './sql'
import type { BrowserBatch, LedgerSite, RecordBatchResult } from './types'
import { markVisitPurchases, startVisit } from './visits'
import { addVisitorOfPerson, linkVisitor, personOf, seeVisitor } from './visitors'

/**
 * Stores a validated browser batch in the caller's transaction: the visitor, its link to a signed
 * customer, the visit (started by the first event seen with its id), every event and order not
 * seen before, then the person's counters recomputed from those facts. Dedupe is by primary keys,
 * so a retry or a concurrent copy of a batch can never count twice.
 *
 * A batch that could take the site past today's write quota (every event might be new) is
 * refused whole and stores nothing. A signed identify links a visitor that is still its own person
 * (or new) to the customer; a visitor already linked to another customer (a shared computer) keeps
 * the batch, and the new customer continues under a fresh visitor id, so histories never mix.
 * @example const result = recordBatch(sql, site, batch)
 */
export function recordBatch(sql: Sql, site: LedgerSite, batch: BrowserBatch): RecordBatchResult {
  const { visitorId, visitId, now } = batch
  const quota = writeQuota(sql, site, now)
  if (!hasQuotaRoom(quota, batch.events.length))
    return { ok: false, reason: 'quota_exceeded', quota }

  const signed = batch.signedPerson
  const current = signed ? personOf(sql, visitorId) : null
  const isSwitch =
    signed !== null && current !== null && current !== visitorId && current !== signed

  let personId = seeVisitor(sql, visitorId, now)
  // Linked before the visit starts, so a visit that begins with a sign-in already counts the
  // customer's history from other devices.
  const isLinked =
    signed !== null && !isSwitch && personId !== signed && linkVisitor(sql, visitorId, signed)
  if (isLinked) personId = signed

  // The person's counters before this batch's orders: a new counted purchase can move them on.
  const before = countersOf(sql, [personId])
  const day = localDay(now, site.timeZone)
  const landing = landingPage(batch.events)
  startVisit(sql, {
    visitorId,
    visitId,
    personId,
    startedAt: now,
    day,
    ...landing,
    isTracked: true,
  })

  let accepted = 0
  let hasPurchase = false
  let hasNewOrder = false
  for (const event of batch.events) {
    if (event.type === 'purchase') {
      hasPurchase = true
      const stored = addOrder(sql, {
        orderId: event.orderId,
        eventId: event.id,
        visitorId,
        visitId,
        revenueMicros: toMicros(event.revenue),
        discountMicros: toMicros(event.discount ?? 0),
        currency: event.currency,
        placedAt: now,
        day,
        verified: false,
        source: 'browser',
      })
      hasNewOrder ||= stored
    }
    const identity = event.type === 'identify' ? batch.identities[event.id] : undefined
    if (addEvent(sql, event, { visitorId, visitId, receivedAt: now, identity })) accepted++
  }
  if (hasPurchase) markVisitPurchases(sql, visitorId, visitId, site.trustBrowserPurchases)
  recountPerson(sql, personId, site)
  if (hasNewOrder || isLinked) refreshCustomer(sql, personId)
  // Only a purchase is a transition: a sign-in that merges a history moves counters too.
  const transitions = hasNewOrder ? purchaseTransitions(sql, site, before) : []

  const duplicates = batch.events.length - accepted
  if (!isSwitch) {
    const state = visitorState(sql, visitorId, visitId)
    return { ok: true, accepted, duplicates, visitorId, isSwitched: false, state, transitions }
  }
  // A shared computer: the batch stays with the first customer's visitor; the second continues
  // under a fresh id, linked to them (or its own person when they are at the browser cap).
  const freshId = nanoid()
  recountPerson(sql, addVisitorOfPerson(sql, freshId, signed!, now), site)
  const state = visitorState(sql, freshId, visitId)
  return {
    ok: true,
    accepted,
    duplicates,
    visitorId: freshId,
    isSwitched: true,
    state,
    transitions,
  }
}

/** The visit's landing page: the `visit` event's url and referrer, else the first page view. */
function landingPage(events: StammisEvent[]): { url: string | null; referrer: string | null } {
  const visit = events.find((event) => event.type === 'visit')
  if (visit) return { url: visit.url ?? null, referrer: visit.referrer ?? null }
  const pageview = events.find((event) => event.type === 'pageview')
  return { url: pageview?.url ?? null, referrer: null }
}
