import type { Profile, Segment } from '@stammis/contract'
import { DAY_MS } from '../lib/days'
import { fromMicros } from '../lib/money'
import { MIN_PURCHASE_VISITS, SEGMENTS_BY_THRESHOLD } from './thresholds'

/**
 * The segment from the number of distinct *earlier* visits with a purchase: the highest whose
 * threshold (`MIN_PURCHASE_VISITS`) it reaches.
 * @example classify(0) // 'shopper'; classify(1) // 'returning'; classify(2) // 'repeat'
 */
export function classify(purchaseVisits: number): Segment {
  return (
    SEGMENTS_BY_THRESHOLD.find((segment) => purchaseVisits >= MIN_PURCHASE_VISITS[segment]) ??
    'shopper'
  )
}

/**
 * A customer is lapsed when their last purchase is older than the site's lapse window. Someone
 * who never bought is not lapsed: there is nothing to lapse from.
 * @example isLapsed(Date.parse('2026-01-01'), Date.parse('2026-06-01'), 90) // true
 */
export function isLapsed(lastPurchaseAt: number | null, now: number, lapseDays: number): boolean {
  return lastPurchaseAt !== null && now - lastPurchaseAt > lapseDays * DAY_MS
}

/** The visitor's stored counters plus what is known about the visit the request belongs to. */
export type VisitorState = {
  /** The person the visitor belongs to: its own id, or `c:<customer key>`; null if never seen. */
  personId: string | null
  visits: number
  orders: number
  /** Visits with at least one counted order, including the current visit if it has one. */
  purchaseVisits: number
  revenueMicros: number
  lastPurchaseAt: number | null
  /** Visits with at least one order the shop's server verified. */
  verifiedPurchaseVisits: number
  /** Orders the shop's server verified, their revenue (site currency) and the last one's time. */
  verifiedOrders: number
  verifiedRevenueMicros: number
  verifiedLastPurchaseAt: number | null
  /** null when the worker has not seen this visit yet (e.g. decide ran before the visit event). */
  currentVisitHasPurchase: boolean | null
  currentVisitHasVerifiedPurchase: boolean
}

export const EMPTY_VISITOR: VisitorState = {
  personId: null,
  visits: 0,
  orders: 0,
  purchaseVisits: 0,
  revenueMicros: 0,
  lastPurchaseAt: null,
  verifiedPurchaseVisits: 0,
  verifiedOrders: 0,
  verifiedRevenueMicros: 0,
  verifiedLastPurchaseAt: null,
  currentVisitHasPurchase: null,
  currentVisitHasVerifiedPurchase: false,
}

/**
 * The profile as seen from the request's visit. Purchases of the current visit count from the
 * next visit on; an unseen visit id is a visit that is starting now, so it counts in `visits`.
 * @example toProfile('v1', EMPTY_VISITOR, Date.now(), 90).segment // 'shopper'
 */
export function toProfile(
  visitorId: string,
  state: VisitorState,
  now: number,
  lapseDays: number,
): Profile {
  const isNewVisit = state.currentVisitHasPurchase === null
  const purchaseVisits = state.purchaseVisits - (state.currentVisitHasPurchase ? 1 : 0)
  return {
    visitorId,
    segment: classify(purchaseVisits),
    visits: state.visits + (isNewVisit ? 1 : 0),
    orders: state.orders,
    purchaseVisits,
    revenue: fromMicros(state.revenueMicros),
    lastPurchaseAt:
      state.lastPurchaseAt === null ? null : new Date(state.lastPurchaseAt).toISOString(),
    lapsed: isLapsed(state.lastPurchaseAt, now, lapseDays),
  }
}

/**
 * The profile counting only purchases the shop's server verified: segment, orders, revenue, last
 * purchase and lapsed all come from verified orders. Rules whose offer requires verified purchases
 * (every coded offer by default) match on it, so nothing that unlocks a code can be faked from a
 * browser console.
 * @example toVerifiedProfile('v1', state, Date.now(), 90).orders // verified orders only
 */
export function toVerifiedProfile(
  visitorId: string,
  state: VisitorState,
  now: number,
  lapseDays: number,
): Profile {
  const purchaseVisits =
    state.verifiedPurchaseVisits - (state.currentVisitHasVerifiedPurchase ? 1 : 0)
  return {
    visitorId,
    segment: classify(purchaseVisits),
    visits: state.visits + (state.currentVisitHasPurchase === null ? 1 : 0),
    orders: state.verifiedOrders,
    purchaseVisits,
    revenue: fromMicros(state.verifiedRevenueMicros),
    lastPurchaseAt:
      state.verifiedLastPurchaseAt === null
        ? null
        : new Date(state.verifiedLastPurchaseAt).toISOString(),
    lapsed: isLapsed(state.verifiedLastPurchaseAt, now, lapseDays),
  }
}
