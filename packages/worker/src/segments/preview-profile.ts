import type { Profile, Segment } from '@stammis/contract'
import { DAY_MS } from '../lib/days'
import { MIN_PURCHASE_VISITS } from './thresholds'

export type PreviewAs = {
  segment: Segment
  lapsed: boolean
  orders?: number | undefined
  revenue?: number | undefined
  visitorId?: string | undefined
}

/**
 * A made-up profile of a typical visitor of a segment, for previews: one order per earlier purchase
 * visit, and a last purchase just inside (or, for lapsed, just outside) the lapse window.
 * @example previewProfile({ segment: 'returning', lapsed: true }, 90, Date.now())
 */
export function previewProfile(as: PreviewAs, lapseDays: number, now: number): Profile {
  const purchaseVisits = MIN_PURCHASE_VISITS[as.segment]
  const lapsed = as.lapsed && purchaseVisits > 0
  const lastPurchaseAt = purchaseVisits === 0 ? null : now - (lapsed ? lapseDays + 1 : 1) * DAY_MS
  return {
    visitorId: as.visitorId ?? 'preview',
    segment: as.segment,
    visits: purchaseVisits + 1,
    orders: as.orders ?? purchaseVisits,
    purchaseVisits,
    revenue: as.revenue ?? 0,
    lastPurchaseAt: lastPurchaseAt === null ? null : new Date(lastPurchaseAt).toISOString(),
    lapsed,
  }
}
