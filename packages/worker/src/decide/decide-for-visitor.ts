import type { Decision, Profile } from '@stammis/contract'
import type { Env } from '../env'
import { ApiError } from '../errors'
import { forgetWritten, takeUnwritten } from '../exposures/recent'
import { ledgerFor, ledgerSite } from '../ledger/client'
import { rememberLedgerRead } from '../ledger/recent-reads'
import type { DecideContext } from '../ledger/types'
import { hasQuotaRoom } from '../limits/quota'
import { uniqueCodeHolder } from '../offers/codes'
import { decidePredictions, NO_PREDICTIONS } from '../predictions/decide'
import { issueProfileToken } from '../profile-token/token'
import type { RequestContext } from '../rules/match'
import { loadRuleset, type CompiledRuleset } from '../rules/store'
import { previewProfile } from '../segments/preview-profile'
import { toProfile, toVerifiedProfile } from '../segments/classify'
import type { Site } from '../sites/site'
import { buildDecisions, chooseForSlots, type SlotChoice } from './engine'
import { verifyPreviewToken } from './preview-token'
import { decideContextFromToken } from './token-path'

/** What decide needs to know of a site's live rules before it has loaded them. */
type LiveRuleTraits = { hasUniqueCodes: boolean; hasPredictionConditions: boolean }

/**
 * Each site's live rule traits, by site id: deliberate, bounded module state that lets decide
 * leave the exposure lookup out of its ledger call for the many sites without unique codes, and
 * skip the token path for sites whose rules read prediction facts (which only the ledger has). A
 * stale entry costs one extra call, never a wrong answer.
 */
const liveRuleTraits = new Map<string, LiveRuleTraits>()

function rememberTraits(siteId: string, ruleset: CompiledRuleset): void {
  if (liveRuleTraits.size >= 10_000 && !liveRuleTraits.has(siteId)) liveRuleTraits.clear()
  liveRuleTraits.set(siteId, {
    hasUniqueCodes: ruleset.hasUniqueCodes,
    hasPredictionConditions: ruleset.hasPredictionConditions,
  })
}

/** What a decision is asked for: the same for `POST /v1/decide` and the edge. */
export type VisitorDecideInput = {
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
  profile: Profile
  decisions: Record<string, Decision | null>
  isPreview: boolean
  /**
   * The visitor's profile token: a fresh one after a ledger call, the trusted one handed back after
   * a token decide (re-signing it would stretch its age bound without storage being read);
   * undefined for previews. The edge sets it as the `stm_p` cookie.
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
 * both classify, choose and record exactly alike. With a valid profile token no storage call at
 * all (the profile from the token, the live rules version and quota as this isolate last read
 * them); otherwise one call to the site's ledger (visitor state, live rules version, quota) and a
 * fresh token. Rules from memory. The site (the isolate's directory), rate limits, bots, the
 * Origin check and the body's validation are the caller's.
 * @example const answer = await decideForVisitor(env, ctx.waitUntil.bind(ctx), site, { visitorId, visitId, slots: ['hero'], context: { url } }, now)
 */
export async function decideForVisitor(
  env: Env,
  waitUntil: (promise: Promise<unknown>) => void,
  site: Site,
  input: VisitorDecideInput,
  now: number,
): Promise<VisitorDecisions> {
  // The ledger's stub only when a call needs it: a token decide usually makes none.
  let stub: ReturnType<typeof ledgerFor> | undefined
  const ledger = () => (stub ??= ledgerFor(env, site.id))
  // Exposure times only matter for unique offer codes; skip them for sites known to have none.
  const traits = liveRuleTraits.get(site.id)
  const withExposureTimes = traits?.hasUniqueCodes ?? true
  const readLedger = async (): Promise<DecideContext> => {
    await benchStorageDelay(env)
    const read = await ledger().decideContext(ledgerSite(site), {
      visitorId: input.visitorId,
      visitId: input.visitId,
      withExposureTimes,
      now,
    })
    rememberLedgerRead(site.id, read, now)
    return read
  }
  // A valid profile token, and the site's live rules version and quota read by this isolate
  // within LEDGER_READ_MAX_AGE_MS: no storage call at all. Otherwise one ledger call.
  // (Not for rules known to read prediction facts: the token does not carry them.)
  const fromToken = traits?.hasPredictionConditions
    ? null
    : await decideContextFromToken(site, input, now)
  let context = fromToken ?? (await readLedger())
  let plan = await planDecisions(env, site, input, context, now)
  // A unique code is derived from the holder's person and expires from its first exposure, and
  // prediction conditions read the person's purchase days: the ledger's to tell, not the token's,
  // so a token decide that needs either calls the ledger after all.
  if (fromToken && (plan.readsPredictions || plan.choices.some(isUniqueCodeTreatment))) {
    context = await readLedger()
    plan = await planDecisions(env, site, input, context, now)
  }
  const isFromToken = context === fromToken
  const { ruleset, choices, profile, isPreview, slots } = plan
  rememberTraits(site.id, ruleset)

  const needsTimes = !isFromToken && !withExposureTimes && choices.some(isUniqueCodeTreatment)
  const firstExposedAt = needsTimes
    ? await ledger().exposureTimes(input.visitorId)
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
    const exposures = takeUnwritten(
      site.id,
      shownBuilt.map(({ rule, decision }) => ({
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
      ledger()
        .recordExposures(ledgerSite(site), exposures, now)
        .catch((error: unknown) => {
          forgetWritten(site.id, exposures)
          console.error('recording exposures failed', error)
        }),
    )
  }
  if (isPreview) return { profile, decisions, isPreview, recordShown }
  const profileToken = isFromToken
    ? input.profileToken!
    : await issueProfileToken({
        codeSecret: site.codeSecret,
        visitorId: input.visitorId,
        visitId: input.visitId,
        state: context.state,
        epoch: site.profileEpoch,
        now,
      })
  return { profile, decisions, isPreview, profileToken, recordShown }
}

type DecisionPlan = {
  profile: Profile
  ruleset: CompiledRuleset
  slots: readonly string[]
  choices: SlotChoice[]
  isPreview: boolean
  /** Whether the live rules' prediction conditions read this visitor's prediction facts. */
  readsPredictions: boolean
}

/** Whether a choice hands out a unique offer code (its holder and first exposure are the ledger's). */
function isUniqueCodeTreatment({ rule, variant, isOfferWithheld }: SlotChoice): boolean {
  return variant === 'treatment' && !isOfferWithheld && rule.offer?.uniqueCodes !== undefined
}

/**
 * `BENCH_STORAGE_DELAY_MS` (a `--var` of `pnpm bench`'s token scenarios only, never deployed):
 * a fixed wait before the ledger call, standing in for a storage round trip to a far region.
 */
async function benchStorageDelay(env: Env): Promise<void> {
  const delay = Number(env.BENCH_STORAGE_DELAY_MS ?? 0)
  if (delay > 0) await scheduler.wait(delay)
}

/**
 * The profile (the previewed segment's with a valid preview token) and the rule chosen per slot,
 * from a decide context, whether the ledger or a profile token gave it.
 */
async function planDecisions(
  env: Env,
  site: Site,
  input: VisitorDecideInput,
  context: DecideContext,
  now: number,
): Promise<DecisionPlan> {
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
  const slots = input.slots === 'live' ? [...ruleset.bySlot.keys()] : input.slots
  // Prediction facts only for rules that read them; a preview link's made-up visitor has none.
  const readsPredictions = ruleset.hasPredictionConditions && !isPreview
  const predictions = readsPredictions
    ? decidePredictions(context.predictionInputs, site, now)
    : NO_PREDICTIONS
  const choices = chooseForSlots(
    ruleset,
    slots,
    profile,
    input.context,
    now,
    verifiedProfile,
    predictions,
  )
  return { profile, ruleset, slots, choices, isPreview, readsPredictions }
}
