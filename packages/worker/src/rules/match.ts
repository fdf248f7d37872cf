import {
  PREDICTION_CONDITIONS,
  type Offer,
  type Profile,
  type Rule,
  type RuleWhen,
} from '@stammis/contract'
import { compileUrlPattern, matchesUrlPattern, type UrlPattern } from './pattern'

export type RequestContext = { url?: string | undefined; referrer?: string | undefined }

/**
 * What the prediction conditions compare, for one person on one day (predictions/person.ts
 * computes them from the person's purchases and the site's latest fit). null: the visitor has no
 * counted purchase or the site no fit, and no prediction condition matches.
 */
export type PredictionFacts = {
  pAlive: number
  /** Expected revenue in the next 52 weeks, site currency. */
  predictedClv: number
  /** 0 to 99 within the site at the last fit (90 = top 10%). */
  clvPercentile: number
  daysSinceLastPurchase: number
  dueForReorder: boolean
}

/** A live rule prepared for fast matching: patterns compiled once per rule-set version. */
export type CompiledRule = Rule & {
  startsAtMs: number | null
  endsAtMs: number | null
  urlPattern: UrlPattern | null
  referrerPattern: UrlPattern | null
  /** Its offer is served only when the rule also matches the verified profile (see `requiresVerifiedPurchases`). */
  isVerifiedOnly: boolean
  /** Some condition reads predictions: decide computes the person's facts only then. */
  hasPredictionConditions: boolean
}

/**
 * Whether a rule's conditions read predictions (pAlive, predictedClv, clvPercentile,
 * daysSinceLastPurchase, dueForReorder).
 * @example hasPredictionConditions({ pAlive: { max: 0.5 } }) // true
 */
export function hasPredictionConditions(when: RuleWhen): boolean {
  return PREDICTION_CONDITIONS.some((name) => when[name] !== undefined)
}

/**
 * Whether a rule's offer is served only when the rule's conditions also hold on purchases the
 * shop's server verified. An offer with a code (static or unique) is, unless it says
 * `requiresVerified: false`: a code is worth money, and browser-reported purchases can be faked
 * from a console. Content, and offers without a code, follow the browser's purchases, so a
 * script-tag-only install still works for content.
 * @example requiresVerifiedPurchases({ kind: 'percent', value: 10, code: 'BACK10' }) // true
 * @example requiresVerifiedPurchases({ kind: 'percent', value: 10 }) // false
 */
export function requiresVerifiedPurchases(offer: Offer | undefined): boolean {
  if (!offer) return false
  return offer.requiresVerified ?? Boolean(offer.code || offer.uniqueCodes)
}

/**
 * Prepares a rule for matching: schedule times parsed, URL patterns split at their `*`s.
 * @example compileRule(RuleSchema.parse(input))
 */
export function compileRule(rule: Rule): CompiledRule {
  return {
    ...rule,
    isVerifiedOnly: requiresVerifiedPurchases(rule.offer),
    hasPredictionConditions: hasPredictionConditions(rule.when),
    startsAtMs: rule.startsAt ? Date.parse(rule.startsAt) : null,
    endsAtMs: rule.endsAt ? Date.parse(rule.endsAt) : null,
    urlPattern: rule.when.urlPattern ? compileUrlPattern(rule.when.urlPattern) : null,
    referrerPattern: rule.when.referrerPattern
      ? compileUrlPattern(rule.when.referrerPattern)
      : null,
  }
}

/** Whether the rule runs at `now`: starts inclusive, ends exclusive. */
export function isInSchedule(rule: CompiledRule, now: number): boolean {
  return (
    (rule.startsAtMs === null || now >= rule.startsAtMs) &&
    (rule.endsAtMs === null || now < rule.endsAtMs)
  )
}

/**
 * Whether the visitor and page meet every condition of the rule (AND; absent means "any").
 * Prediction conditions read `facts`; without facts (no purchase, no fit) none of them holds.
 * @example matchesWhen(compileRule(rule), profile, { url: 'https://shop.example/sale' }, facts)
 */
export function matchesWhen(
  rule: CompiledRule,
  profile: Profile,
  context: RequestContext,
  facts: PredictionFacts | null = null,
): boolean {
  const when = rule.when
  if (when.segments && !when.segments.includes(profile.segment)) return false
  if (when.lapsed !== undefined && when.lapsed !== profile.lapsed) return false
  if (when.minOrders !== undefined && profile.orders < when.minOrders) return false
  if (when.maxOrders !== undefined && profile.orders > when.maxOrders) return false
  if (when.minRevenue !== undefined && profile.revenue < when.minRevenue) return false
  if (when.maxRevenue !== undefined && profile.revenue > when.maxRevenue) return false
  if (when.minVisits !== undefined && profile.visits < when.minVisits) return false
  if (rule.urlPattern && !matchesUrlPattern(rule.urlPattern, context.url)) return false
  if (rule.referrerPattern && !matchesUrlPattern(rule.referrerPattern, context.referrer))
    return false
  if (rule.hasPredictionConditions && !matchesPredictions(when, facts)) return false
  return true
}

/**
 * Whether the prediction facts meet the rule's prediction conditions (bounds inclusive).
 * @example matchesPredictions({ pAlive: { max: 0.5 } }, { pAlive: 0.3, ... }) // true
 */
export function matchesPredictions(when: RuleWhen, facts: PredictionFacts | null): boolean {
  if (!facts) return false
  const within = (value: number, range: { min?: number; max?: number } | undefined) =>
    range === undefined ||
    ((range.min === undefined || value >= range.min) &&
      (range.max === undefined || value <= range.max))
  return (
    within(facts.pAlive, when.pAlive) &&
    within(facts.predictedClv, when.predictedClv) &&
    within(facts.clvPercentile, when.clvPercentile) &&
    within(facts.daysSinceLastPurchase, when.daysSinceLastPurchase) &&
    (when.dueForReorder === undefined || facts.dueForReorder)
  )
}
