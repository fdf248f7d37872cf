import type { Segment } from '@stammis/contract'

/**
 * The one definition of the segments: the fewest distinct *earlier* purchase visits a visitor of
 * each segment has. A visitor is in the highest segment whose threshold they reach: shopper 0,
 * returning exactly 1, repeat 2 or more. TypeScript's `classify` (which the ledger uses for a
 * visit's segment at its start), preview's made-up profiles and the rules analyzer all read it,
 * so changing a number here changes all three.
 * @example MIN_PURCHASE_VISITS.repeat // 2
 */
export const MIN_PURCHASE_VISITS = {
  shopper: 0,
  returning: 1,
  repeat: 2,
} as const satisfies Record<Segment, number>

/** The segments from the highest threshold down: the order `classify` tries them in. */
export const SEGMENTS_BY_THRESHOLD: readonly Segment[] = (
  Object.keys(MIN_PURCHASE_VISITS) as Segment[]
).sort((a, b) => MIN_PURCHASE_VISITS[b] - MIN_PURCHASE_VISITS[a])

/** The highest threshold: from this many earlier purchase visits on, the segment no longer changes. */
export const TOP_THRESHOLD = MIN_PURCHASE_VISITS[SEGMENTS_BY_THRESHOLD[0]!]
