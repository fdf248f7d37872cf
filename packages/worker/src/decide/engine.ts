import type { Decision, Profile } from '@stammis/contract'
import { servedOffer } from '../offers/codes'
import {
  isInSchedule,
  matchesWhen,
  type CompiledRule,
  type PredictionFacts,
  type RequestContext,
} from '../rules/match'
import type { CompiledRuleset } from '../rules/store'

// The decision engine: which rule each slot shows, to whom (holdout), and what that decision
// carries. Pure (no storage, no request): decide answers with it and preview shows it, so what a
// marketer previews is what a visitor gets.

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

export type BuiltDecision = SlotChoice & { decision: Decision }

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
  predictions: { facts: PredictionFacts | null; verifiedFacts: PredictionFacts | null } = {
    facts: null,
    verifiedFacts: null,
  },
): SlotChoice[] {
  const choices: SlotChoice[] = []
  for (const slot of slots) {
    // Rules are pre-sorted by priority, so the first that can show something wins.
    for (const rule of ruleset.bySlot.get(slot) ?? []) {
      if (!isInSchedule(rule, now) || !matchesWhen(rule, profile, context, predictions.facts))
        continue
      const isOfferWithheld =
        rule.isVerifiedOnly &&
        !matchesWhen(rule, verifiedProfile, context, predictions.verifiedFacts)
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

/**
 * Turns chosen rules into the decisions sent to the browser. The control group gets no content
 * and no offer; a withheld offer (not unlocked by verified purchases) is left out; a unique offer
 * code is resolved to the holder's own (the verified customer, else the visitor: see
 * `uniqueCodeHolder`), valid from when they were first shown it.
 * @example await buildDecisions(choices, site.codeSecret, uniqueCodeHolder(visitorId, personId), firstExposedAt, Date.now())
 */
export async function buildDecisions(
  choices: SlotChoice[],
  codeSecret: string,
  codeHolder: string,
  firstExposedAt: Readonly<Record<string, number>>,
  now: number,
): Promise<BuiltDecision[]> {
  return Promise.all(
    choices.map(async (choice) => {
      const { rule, variant } = choice
      if (variant === 'control')
        return { ...choice, decision: { ruleId: rule.id, variant, content: null, offer: null } }
      const offer =
        rule.offer && !choice.isOfferWithheld
          ? await servedOffer(
              rule.offer,
              codeSecret,
              rule.id,
              codeHolder,
              firstExposedAt[rule.id] ?? now,
            )
          : null
      return {
        ...choice,
        decision: { ruleId: rule.id, variant, content: rule.content ?? null, offer },
      }
    }),
  )
}

/**
 * Which of 10,000 buckets a visitor falls in for a rule: FNV-1a over "ruleId:visitorId". Stable
 * across requests, isolates and deploys, and independent between rules, so being held out of one
 * rule says nothing about another.
 * @example holdoutBucket('hero-returning', 'V1StGXR8_Z5jdHi6B-myT') // 0..9999
 */
export function holdoutBucket(ruleId: string, visitorId: string): number {
  const text = `${ruleId}:${visitorId}`
  let hash = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193)
  }
  // A final avalanche (from murmur3) so similar ids spread evenly over the buckets.
  hash ^= hash >>> 16
  hash = Math.imul(hash, 0x85ebca6b)
  hash ^= hash >>> 13
  return (hash >>> 0) % 10_000
}

/** A holdout of 10% puts buckets 0..999 in the control group. */
export function isHeldOut(ruleId: string, visitorId: string, holdoutPercent: number): boolean {
  return holdoutBucket(ruleId, visitorId) < Math.round(holdoutPercent * 100)
}
