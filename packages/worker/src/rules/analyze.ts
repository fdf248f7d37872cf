import { SEGMENTS, type Offer, type Rule, type RuleWarning, type Segment } from '@stammis/contract'
import { MIN_PURCHASE_VISITS } from '../segments/thresholds'
import { hasPredictionConditions } from './match'

/**
 * Finds what a marketer should know before publishing: ties, rules that can never match, offers
 * that favour new visitors over existing customers, and codes anyone can unlock with purchases
 * faked in a browser. Warnings never block a publish.
 * @example analyzeRules(workspace.rules, Date.now()) // [{ code: 'priority_tie', slot: 'hero', ... }]
 */
export function analyzeRules(rules: readonly Rule[], now: number): RuleWarning[] {
  const active = rules.filter(
    (rule) => rule.status === 'live' && !(rule.endsAt && Date.parse(rule.endsAt) <= now),
  )
  const warnings: RuleWarning[] = []
  for (const slot of [...new Set(active.map((rule) => rule.slot))]) {
    const slotRules = active.filter((rule) => rule.slot === slot)
    warnings.push(
      ...priorityTies(slot, slotRules),
      ...unmatchable(slot, slotRules),
      ...unfairOffers(slot, slotRules),
      ...unverifiedCodes(slot, slotRules),
    )
  }
  return warnings
}

function segmentsOf(rule: Rule): Segment[] {
  return rule.when.segments ?? [...SEGMENTS]
}

function schedulesOverlap(a: Rule, b: Rule): boolean {
  const start = (rule: Rule) => (rule.startsAt ? Date.parse(rule.startsAt) : -Infinity)
  const end = (rule: Rule) => (rule.endsAt ? Date.parse(rule.endsAt) : Infinity)
  return start(a) < end(b) && start(b) < end(a)
}

function priorityTies(slot: string, rules: Rule[]): RuleWarning[] {
  const warnings: RuleWarning[] = []
  rules.forEach((a, i) => {
    for (const b of rules.slice(i + 1)) {
      const shared = segmentsOf(a).filter((segment) => segmentsOf(b).includes(segment))
      if (a.priority !== b.priority || shared.length === 0 || !schedulesOverlap(a, b)) continue
      warnings.push({
        code: 'priority_tie',
        slot,
        ruleIds: [a.id, b.id],
        message: `"${a.id}" and "${b.id}" have the same priority (${a.priority}) for ${shared.join(', ')} in slot "${slot}": the one listed first wins. Give one a higher priority.`,
      })
    }
  })
  return warnings
}

/** Whether any visitor of this segment can meet the rule's conditions. */
function canMatchSegment(rule: Rule, segment: Segment): boolean {
  const when = rule.when
  // The fewest orders a visitor of the segment has: one per earlier purchase visit.
  const minimumOrders = MIN_PURCHASE_VISITS[segment]
  if (when.maxOrders !== undefined && when.maxOrders < minimumOrders) return false
  // A shopper never bought in an earlier visit, so cannot be lapsed (their purchases are this visit's).
  if (when.lapsed === true && segment === 'shopper') return false
  if (when.lapsed === true && when.maxOrders === 0) return false
  // A shopper's purchases, if any, are this visit's: zero days ago.
  if (segment === 'shopper' && (when.daysSinceLastPurchase?.min ?? 0) > 0) return false
  return true
}

function unmatchable(slot: string, rules: Rule[]): RuleWarning[] {
  const warnings: RuleWarning[] = []
  rules.forEach((rule, index) => {
    if (!segmentsOf(rule).some((segment) => canMatchSegment(rule, segment))) {
      warnings.push({
        code: 'never_matches',
        slot,
        ruleIds: [rule.id],
        message: `"${rule.id}" can never match: no ${segmentsOf(rule).join(' or ')} visitor meets its conditions.`,
      })
      return
    }
    const winner = rules.find(
      (other, otherIndex) =>
        other !== rule &&
        (other.priority > rule.priority ||
          (other.priority === rule.priority && otherIndex < index)) &&
        matchesEveryone(other) &&
        segmentsOf(rule).every((segment) => segmentsOf(other).includes(segment)) &&
        coversSchedule(other, rule),
    )
    if (winner) {
      warnings.push({
        code: 'shadowed',
        slot,
        ruleIds: [rule.id, winner.id],
        message: `"${rule.id}" can never be served: "${winner.id}" always wins slot "${slot}" for the same visitors. Raise its priority or narrow "${winner.id}".`,
      })
    }
  })
  return warnings
}

/** No condition beyond segments: matches every visitor of its segments, on every page. */
function matchesEveryone(rule: Rule): boolean {
  const { segments: _segments, ...conditions } = rule.when
  return Object.values(conditions).every((value) => value === undefined)
}

function coversSchedule(outer: Rule, inner: Rule): boolean {
  const startsBefore =
    !outer.startsAt ||
    (inner.startsAt !== undefined && Date.parse(outer.startsAt) <= Date.parse(inner.startsAt))
  const endsAfter =
    !outer.endsAt ||
    (inner.endsAt !== undefined && Date.parse(outer.endsAt) >= Date.parse(inner.endsAt))
  return startsBefore && endsAfter
}

/**
 * The retention mistake this guard exists for: a slot where new visitors can get a better offer
 * than returning or repeat customers in the same period. Offers of the same kind are compared by
 * value; a customer segment with no offer at all loses to any offer. Different kinds (percent vs
 * amount) are not compared, as that depends on the basket. A customer offer behind a prediction
 * condition (say, the top 10% by CLV) reaches only some of the segment, so it does not count as
 * the segment's offer: the rest of them would still see new visitors get more.
 */
function unfairOffers(slot: string, rules: Rule[]): RuleWarning[] {
  const warnings: RuleWarning[] = []
  const offered = rules.filter((rule): rule is Rule & { offer: Offer } => rule.offer !== undefined)
  // A rule with a prediction condition needs a purchase: no new visitor gets its offer.
  const forNewcomers = offered.filter(
    (rule) => segmentsOf(rule).includes('shopper') && !hasPredictionConditions(rule.when),
  )
  for (const newcomerRule of forNewcomers) {
    for (const segment of ['returning', 'repeat'] as const) {
      const theirs = offered.filter(
        (rule) =>
          segmentsOf(rule).includes(segment) &&
          canMatchSegment(rule, segment) &&
          schedulesOverlap(rule, newcomerRule) &&
          !hasPredictionConditions(rule.when),
      )
      const forSome = offered.filter(
        (rule) =>
          segmentsOf(rule).includes(segment) &&
          schedulesOverlap(rule, newcomerRule) &&
          hasPredictionConditions(rule.when),
      )
      const isWorse =
        theirs.length === 0 ||
        theirs.every(
          (rule) =>
            rule.offer.kind === newcomerRule.offer.kind &&
            rule.offer.value < newcomerRule.offer.value,
        )
      if (!isWorse) continue
      warnings.push({
        code: 'new_visitors_favoured',
        slot,
        ruleIds: [newcomerRule.id, ...theirs.map((rule) => rule.id), ...forSome.map((r) => r.id)],
        message:
          (theirs.length === 0
            ? `New visitors get an offer in slot "${slot}" ("${newcomerRule.id}") but ${segment} customers get none there in the same period.`
            : `New visitors get a better offer in slot "${slot}" ("${newcomerRule.id}", ${describe(newcomerRule.offer)}) than ${segment} customers (${theirs.map((rule) => describe(rule.offer)).join(', ')}).`) +
          (forSome.length > 0
            ? ` (${forSome.map((rule) => `"${rule.id}"`).join(', ')} reaches only the ${segment} customers its prediction conditions pick.)`
            : ''),
      })
    }
  }
  return warnings
}

function describe(offer: Offer): string {
  if (offer.kind === 'percent') return `${offer.value}% off`
  if (offer.kind === 'amount') return `${offer.value} off`
  return 'free shipping'
}

/**
 * Conditions a visitor who never bought cannot meet: a purchase is what unlocks the rule, so
 * faking one (from the browser console) would.
 */
function needsPurchases(rule: Rule): boolean {
  const when = rule.when
  return (
    (when.segments !== undefined && !when.segments.includes('shopper')) ||
    when.lapsed === true ||
    (when.minOrders ?? 0) > 0 ||
    (when.minRevenue ?? 0) > 0 ||
    // Predictions exist only for people with a purchase.
    hasPredictionConditions(when)
  )
}

/**
 * A coded offer opted out of verified purchases (`"requiresVerified": false`) on a rule only
 * purchases unlock: browser-reported purchases decide who gets the code, and anyone can fake
 * those. Where no purchase is needed everyone gets the code anyway, and the opt-out changes nothing.
 */
function unverifiedCodes(slot: string, rules: Rule[]): RuleWarning[] {
  return rules
    .filter(
      (rule) =>
        (rule.offer?.code || rule.offer?.uniqueCodes) &&
        rule.offer.requiresVerified === false &&
        needsPurchases(rule),
    )
    .map((rule) => ({
      code: 'unverified_coded_offer',
      slot,
      ruleIds: [rule.id],
      message: `"${rule.id}" hands out ${rule.offer?.code ? `the code ${rule.offer.code}` : 'unique codes'} on purchases the browser reports ("requiresVerified": false): anyone can fake those from the browser console and take the code. Remove "requiresVerified": false to serve it on purchases your server verified.`,
    }))
}
