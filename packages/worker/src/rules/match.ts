import type { Profile, Rule } from '@stammis/contract'
import { compileUrlPattern, matchesUrlPattern, type UrlPattern } from './pattern'

export type RequestContext = { url?: string | undefined; referrer?: string | undefined }

/** A live rule prepared for fast matching: patterns compiled once per rule-set version. */
export type CompiledRule = Rule & {
  startsAtMs: number | null
  endsAtMs: number | null
  urlPattern: UrlPattern | null
  referrerPattern: UrlPattern | null
}

/**
 * Prepares a rule for matching: schedule times parsed, URL patterns split at their `*`s.
 * @example compileRule(RuleSchema.parse(input))
 */
export function compileRule(rule: Rule): CompiledRule {
  return {
    ...rule,
    startsAtMs: rule.startsAt ? Date.parse(rule.startsAt) : null,
    endsAtMs: rule.endsAt ? Date.parse(rule.endsAt) : null,
    urlPattern: rule.when.urlPattern ? compileUrlPattern(rule.when.urlPattern) : null,
    referrerPattern: rule.when.referrerPattern ? compileUrlPattern(rule.when.referrerPattern) : null,
  }
}

/** Whether the rule runs at `now`: starts inclusive, ends exclusive. */
export function isInSchedule(rule: CompiledRule, now: number): boolean {
  return (rule.startsAtMs === null || now >= rule.startsAtMs) && (rule.endsAtMs === null || now < rule.endsAtMs)
}

/**
 * Whether the visitor and page meet every condition of the rule (AND; absent means "any").
 * @example matchesWhen(compileRule(rule), profile, { url: 'https://shop.example/sale' })
 */
export function matchesWhen(rule: CompiledRule, profile: Profile, context: RequestContext): boolean {
  const when = rule.when
  if (when.segments && !when.segments.includes(profile.segment)) return false
  if (when.lapsed !== undefined && when.lapsed !== profile.lapsed) return false
  if (when.minOrders !== undefined && profile.orders < when.minOrders) return false
  if (when.maxOrders !== undefined && profile.orders > when.maxOrders) return false
  if (when.minRevenue !== undefined && profile.revenue < when.minRevenue) return false
  if (when.maxRevenue !== undefined && profile.revenue > when.maxRevenue) return false
  if (when.minVisits !== undefined && profile.visits < when.minVisits) return false
  if (rule.urlPattern && !matchesUrlPattern(rule.urlPattern, context.url)) return false
  if (rule.referrerPattern && !matchesUrlPattern(rule.referrerPattern, context.referrer)) return false
  return true
}
