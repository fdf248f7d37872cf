import type { Profile } from '@stammis/contract'
import type { CompiledRuleset } from '../rules/store'
import { isInSchedule, matchesWhen, type CompiledRule, type RequestContext } from '../rules/match'
import { isHeldOut } from './holdout'

export type SlotChoice = {
  slot: string
  rule: CompiledRule
  variant: 'treatment' | 'control'
  /**
   * The rule's offer is not served: it needs verified purchases (every coded offer by default) and
   * the rule's conditions do not hold on the visitor's verified purchases. Its content still is.
   */
  isOfferWithheld: boolean
}

/**
 * For each slot, the highest-priority live, in-schedule rule whose conditions match (ties go to
 * the rule listed first), and the variant this visitor gets for it. Conditions are checked on the
 * browser's view of the visitor (`profile`), so content follows the purchases the browser reports;
 * a rule whose offer requires verified purchases is checked again on `verifiedProfile`, and where
 * that fails its offer is withheld (a rule with no content then has nothing to show and the next
 * rule is tried). So no code is ever handed out on purchases faked from a browser console.
 * @example chooseForSlots(ruleset, ['hero'], profile, { url: '/' }, Date.now(), verifiedProfile)
 */
export function chooseForSlots(
  ruleset: CompiledRuleset,
  slots: readonly string[],
  profile: Profile,
  context: RequestContext,
  now: number,
  /** The profile from verified purchases only (default: `profile`, as in previews). */
  verifiedProfile: Profile = profile,
): SlotChoice[] {
  const choices: SlotChoice[] = []
  for (const slot of slots) {
    // Rules are pre-sorted by priority, so the first that can show something wins.
    for (const rule of ruleset.bySlot.get(slot) ?? []) {
      if (!isInSchedule(rule, now) || !matchesWhen(rule, profile, context)) continue
      const isOfferWithheld = rule.isVerifiedOnly && !matchesWhen(rule, verifiedProfile, context)
      if (isOfferWithheld && !rule.content) continue
      const variant = isHeldOut(rule.id, profile.visitorId, rule.holdoutPercent)
        ? 'control'
        : 'treatment'
      choices.push({ slot, rule, variant, isOfferWithheld })
      break
    }
  }
  return choices
}
