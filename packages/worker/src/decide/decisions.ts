import type { Decision } from '@stammis/contract'
import { servedOffer } from '../offers/codes'
import type { SlotChoice } from './select'

export type BuiltDecision = SlotChoice & { decision: Decision }

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
