import type { Decision, Profile } from '@stammis/contract'
import type { Env } from '../env'
import { ApiError } from '../errors'
import { recordExposures, type Exposure } from '../exposures/queries'
import { forgetWritten, takeUnwritten } from '../exposures/recent'
import { hasQuotaRoom } from '../limits/quota'
import { uniqueCodeHolder } from '../offers/codes'
import type { RequestContext } from '../rules/match'
import { loadRuleset } from '../rules/store'
import { previewProfile } from '../segments/preview-profile'
import { toProfile, toVerifiedProfile } from '../segments/classify'
import type { Site } from '../sites/site'
import { buildDecisions, chooseForSlots } from './engine'
import { verifyPreviewToken } from './preview-token'
import { loadDecideContext, loadExposureTimes } from './queries'

/**
 * Whether each site's live rules hand out unique codes, by public key: deliberate, bounded module
 * state that lets decide leave the exposure lookup out of its query for the many sites without them.
 * A stale "no" costs one extra read, never a wrong answer.
 */
const sitesWithUniqueCodes = new Map<string, boolean>()

function rememberUniqueCodes(publicKey: string, hasUniqueCodes: boolean): void {
  if (sitesWithUniqueCodes.size >= 10_000 && !sitesWithUniqueCodes.has(publicKey))
    sitesWithUniqueCodes.clear()
  sitesWithUniqueCodes.set(publicKey, hasUniqueCodes)
}

/** What a decision is asked for: the same for `POST /v1/decide` and the edge. */
export type VisitorDecideInput = {
  /** The site's public key (current, or the previous one in its grace period). */
  publicKey: string
  visitorId: string
  visitId: string
  /** The slots to decide, or `'live'`: every slot the site's live rules fill (the edge's case). */
  slots: readonly string[] | 'live'
  context: RequestContext
  /** A signed preview token: the previewed segment's profile, nothing recorded. */
  preview?: string | undefined
  /** The visitor's signed profile token, when the browser (or the edge's cookie) has one. */
  profileToken?: string | undefined
}

/** The answer: the profile, a decision (or null) per slot, and how to record what was shown. */
export type VisitorDecisions = {
  site: Site
  profile: Profile
  decisions: Record<string, Decision | null>
  isPreview: boolean
  /**
   * A fresh signed profile token for the visitor, once the profile-token work issues one (the
   * edge then sets it as the `stm_p` cookie); undefined until then.
   */
  profileToken?: string | undefined
  /**
   * Records the exposures of the given slots (all decided ones by default) after the response,
   * through `waitUntil`: decide records every slot it answered, the edge only the slots its page
   * had. Previews and a site over its daily write quota record nothing.
   */
  recordShown: (slots?: readonly string[]) => void
}

/**
 * The one way a visitor's decisions are made: `POST /v1/decide` and the edge both call it, so
 * both classify, choose and record exactly alike. One storage read (site, visitor, visit, live
 * rules version, quota), rules from memory; `admit(site)` runs right after that read (decide's
 * Origin check) and may throw. Null when no site has the public key. Rate limits, bots and the
 * body's validation are the caller's.
 * @example const answer = await decideForVisitor(env, ctx.waitUntil.bind(ctx), { publicKey: 'pk_demo', visitorId, visitId, slots: ['hero'], context: { url } })
 */
export async function decideForVisitor(
  env: Env,
  waitUntil: (promise: Promise<unknown>) => void,
  input: VisitorDecideInput,
  options: { now?: number; admit?: (site: Site) => void } = {},
): Promise<VisitorDecisions | null> {
  const now = options.now ?? Date.now()
  // Exposure times only matter for unique offer codes; skip them for sites known to have none.
  const withExposureTimes = sitesWithUniqueCodes.get(input.publicKey) ?? true
  const context = await loadDecideContext(env.DB, input.publicKey, input.visitorId, input.visitId, {
    withExposureTimes,
    now,
  })
  if (!context) return null
  const { site } = context
  options.admit?.(site)

  let profile = toProfile(input.visitorId, context.state, now, site.lapseDays)
  // Coded offers match on this one by default: what the shop's server verified, nothing else.
  let verifiedProfile = toVerifiedProfile(input.visitorId, context.state, now, site.lapseDays)
  let isPreview = false
  if (input.preview) {
    const verified = await verifyPreviewToken(site.codeSecret, site.id, input.preview, now)
    if ('error' in verified) {
      throw new ApiError(
        'invalid_preview',
        `This preview link is ${verified.error === 'expired' ? 'expired' : 'not valid'}; ask for a new one.`,
      )
    }
    profile = previewProfile(
      { ...verified.claims, visitorId: input.visitorId },
      site.lapseDays,
      now,
    )
    verifiedProfile = profile
    isPreview = true
  }

  const ruleset = await loadRuleset(env, site.id, context.rulesVersion, site)
  rememberUniqueCodes(input.publicKey, ruleset.hasUniqueCodes)
  const slots = input.slots === 'live' ? [...ruleset.bySlot.keys()] : input.slots
  const choices = chooseForSlots(ruleset, slots, profile, input.context, now, verifiedProfile)
  const needsTimes =
    !withExposureTimes &&
    choices.some(
      ({ rule, variant, isOfferWithheld }) =>
        variant === 'treatment' && !isOfferWithheld && rule.offer?.uniqueCodes,
    )
  const firstExposedAt = needsTimes
    ? await loadExposureTimes(env.DB, site.id, input.visitorId)
    : context.firstExposedAt
  const codeHolder = uniqueCodeHolder(input.visitorId, context.state.personId)
  const built = await buildDecisions(choices, site.codeSecret, codeHolder, firstExposedAt, now)

  const decisions: Record<string, Decision | null> = Object.fromEntries(
    slots.map((slot) => [slot, null]),
  )
  for (const { slot, decision } of built) decisions[slot] = decision

  const recordShown = (shown?: readonly string[]): void => {
    const shownBuilt = shown ? built.filter(({ slot }) => shown.includes(slot)) : built
    // Previews are never counted: no exposure, so no metric and no code issued. Over the site's
    // daily write quota the page is still served, but no exposure is recorded.
    if (isPreview || shownBuilt.length === 0 || !hasQuotaRoom(context.quota, shownBuilt.length))
      return
    const exposures: Exposure[] = takeUnwritten(
      shownBuilt.map(({ rule, decision }) => ({
        siteId: site.id,
        ruleId: rule.id,
        visitorId: input.visitorId,
        visitId: input.visitId,
        variant: decision.variant,
        rulesetVersion: ruleset.version,
        offerCode: decision.offer?.code?.toUpperCase() ?? null,
      })),
    )
    if (exposures.length === 0) return
    waitUntil(
      recordExposures(env.DB, exposures, now).catch((error: unknown) => {
        forgetWritten(exposures)
        console.error('recording exposures failed', error)
      }),
    )
  }
  return { site, profile, decisions, isPreview, recordShown }
}
