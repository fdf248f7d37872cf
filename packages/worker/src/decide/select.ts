import type { Decision, Profile } from '@stammis/contract'
import type { CompiledRuleset } from '../rules/store'
import { isInSchedule, matchesWhen, type CompiledRule, type RequestContext } from '../rules/match'
import { isHeldOut } from './holdout'

export type SlotChoice = { slot: string; rule: CompiledRule; decision: Decision }

/**
 * For each slot, the highest-priority live, in-schedule rule whose conditions match (ties go to
 * the rule listed first), and the variant this visitor gets for it.
 * @example chooseForSlots(ruleset, ['hero'], profile, { url: '/' }, Date.now())
 */
export function chooseForSlots(
  ruleset: CompiledRuleset,
  slots: readonly string[],
  profile: Profile,
  context: RequestContext,
  now: number,
): SlotChoice[] {
  const choices: SlotChoice[] = []
  for (const slot of slots) {
    // Rules are pre-sorted by priority, so the first match wins.
    const rule = ruleset.bySlot.get(slot)?.find((candidate) => isInSchedule(candidate, now) && matchesWhen(candidate, profile, context))
    if (rule) choices.push({ slot, rule, decision: toDecision(rule, profile.visitorId) })
  }
  return choices
}

function toDecision(rule: CompiledRule, visitorId: string): Decision {
  if (isHeldOut(rule.id, visitorId, rule.holdoutPercent)) {
    return { ruleId: rule.id, variant: 'control', content: null, offer: null }
  }
  return { ruleId: rule.id, variant: 'treatment', content: rule.content ?? null, offer: rule.offer ?? null }
}
