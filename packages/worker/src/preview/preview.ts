import type { PreviewRequest, PreviewResult } from '@stammis/contract'
import { buildDecisions, chooseForSlots } from '../decide/engine'
import type { Env } from '../env'
import { previewPredictions } from '../predictions/decide'
import { findLatestRuleset } from '../rules/queries'
import { compileRuleset } from '../rules/store'
import { getWorkspace } from '../rules/workspace'
import { previewProfile } from '../segments/preview-profile'
import type { Site } from '../sites/site'

/** What a preview shows (`PreviewResultSchema` in the contract). */
export type { PreviewResult }

/**
 * What a typical visitor of a segment would get in every slot, from the working copy or the live
 * rules, on a given URL. Nothing is recorded. Offers show the code this (or a sample) visitor
 * would get.
 * @example await previewDecisions(env, site, { segment: 'returning', lapsed: false, source: 'workspace' }, Date.now())
 */
export async function previewDecisions(
  env: Env,
  site: Site,
  request: PreviewRequest,
  now: number,
): Promise<PreviewResult> {
  const rules =
    request.source === 'live'
      ? ((await findLatestRuleset(env.DB, site.id))?.rules ?? [])
      : (await getWorkspace(env, site.id, now)).rules.map(
          ({ displayStatus: _status, ...rule }) => rule,
        )
  const slots = [...new Set(rules.map((rule) => rule.slot))].sort()
  const profile = previewProfile(request, site.lapseDays, now)
  const ruleset = compileRuleset(site.id, 0, rules, site)
  const context = { url: request.url, referrer: request.referrer }
  const facts = previewPredictions(request.predictions, profile, now)
  const choices = chooseForSlots(ruleset, slots, profile, context, now, profile, {
    facts,
    verifiedFacts: facts,
  })
  // Show the treatment to a marketer unless they asked about a specific visitor.
  const shown = request.visitorId
    ? choices
    : choices.map((choice) => ({ ...choice, variant: 'treatment' as const }))
  const built = await buildDecisions(shown, site.codeSecret, profile.visitorId, {}, now)
  return {
    source: request.source,
    profile,
    ...(facts ? { predictions: facts } : {}),
    slots: slots.map((slot) => {
      const chosen = built.find((choice) => choice.slot === slot)
      if (!chosen)
        return {
          slot,
          ruleId: null,
          priority: null,
          content: null,
          offer: null,
          holdoutPercent: 0,
          isHeldOut: null,
        }
      return {
        slot,
        ruleId: chosen.rule.id,
        priority: chosen.rule.priority,
        content: chosen.decision.content,
        offer: chosen.decision.offer,
        holdoutPercent: chosen.rule.holdoutPercent,
        isHeldOut: request.visitorId ? chosen.variant === 'control' : null,
      }
    }),
  }
}
