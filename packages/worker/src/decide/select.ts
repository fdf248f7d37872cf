import type { Profile } from '@stammis/contract'
import type { CompiledRuleset } from '../rules/store'
import { isInSchedule, matchesWhen, type CompiledRule, type RequestContext } from '../rules/match'
import { isHeldOut } from './holdout'

export type SlotChoice = { slot: string; rule: CompiledRule; variant: 'treatment' | 'control' }

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
  /** The profile from verified purchases only: what rules with coded offers match on by default. */
  verifiedProfile: Profile = profile,
): SlotChoice[] {
  const choices: SlotChoice[] = []
  for (const slot of slots) {
    // Rules are pre-sorted by priority, so the first match wins.
    const rule = ruleset.bySlot
      .get(slot)
      ?.find((candidate) => isInSchedule(candidate, now) && matchesWhen(candidate, candidate.isVerifiedOnly ? verifiedProfile : profile, context))
    if (!rule) continue
    const variant = isHeldOut(rule.id, profile.visitorId, rule.holdoutPercent) ? 'control' : 'treatment'
    choices.push({ slot, rule, variant })
  }
  return choices
}
