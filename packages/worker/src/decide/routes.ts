import {
  DecideRequestSchema,
  type DecideRequest,
  type DecideResponse,
  type Decision,
  type Profile,
} from '@stammis/contract'
import { Hono } from 'hono'
import type { AppEnv } from '../env'
import { ApiError } from '../errors'
import { recordExposures } from '../exposures/queries'
import { forgetWritten, takeUnwritten } from '../exposures/recent'
import { parseWith, readJson } from '../http/body'
import { hasQuotaRoom } from '../limits/quota'
import { browserChecks, enforceRateLimits } from '../limits/rates'
import { isBot } from '../http/bots'
import { assertOriginAllowed } from '../limits/cors'
import { uniqueCodeHolder } from '../offers/codes'
import { previewProfile } from '../segments/preview-profile'
import { answerBotDecide } from '../privacy/bot-answers'
import { verifyPreviewToken } from './preview-token'
import { loadRuleset, type CompiledRuleset } from '../rules/store'
import { toProfile, toVerifiedProfile } from '../segments/classify'
import { assertPublicKeyField } from '../sites/public-key'
import { issueProfileToken } from '../profile-token/token'
import { rememberSiteEntry } from '../sites/recent-entries'
import { buildDecisions, chooseForSlots, type SlotChoice } from './engine'
import { loadDecideContext, loadExposureTimes, type DecideContext } from './queries'
import { decideContextFromToken } from './token-path'

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

/**
 * `POST /v1/decide`: the visitor's profile and, per slot, what to show. One D1 read, rules from
 * memory, exposures written after the response has gone out. With a valid preview token the
 * profile is the previewed segment's and nothing is recorded.
 */
export const decideRoutes = new Hono<AppEnv>().post('/', async (c) => {
  const raw = await readJson(c)
  assertPublicKeyField(raw)
  const request = parseWith(DecideRequestSchema, raw)
  // Before any storage read: a refused request costs no query.
  await enforceRateLimits(c.env, browserChecks(request.site, request.visitorId))
  const now = Date.now()

  // With a valid profile token and a recent site entry in this isolate: no storage read at all.
  const fromToken = await decideContextFromToken(request, now)
  // Exposure times only matter for unique offer codes; skip them for sites known to have none.
  const withExposureTimes = sitesWithUniqueCodes.get(request.site) ?? true
  const readStorage = async (): Promise<DecideContext> => {
    const read = await loadDecideContext(
      c.env.DB,
      request.site,
      request.visitorId,
      request.visitId,
      { withExposureTimes, now },
    )
    if (!read) throw new ApiError('unknown_site', `No site has the public key "${request.site}".`)
    rememberSiteEntry(request.site, read, now)
    return read
  }

  let context = fromToken ?? (await readStorage())
  assertOriginAllowed(c, context.site)
  if (isBot(c.req.raw)) return answerBotDecide(c, context.site, request)
  let plan = await planDecisions(c.env, request, context, now)
  // A unique code is derived from the holder's person and expires from its first exposure: both
  // are storage's to tell, so a token decide that chose one reads storage after all.
  if (fromToken && plan.choices.some(isUniqueCodeTreatment)) {
    context = await readStorage()
    plan = await planDecisions(c.env, request, context, now)
  }
  const isFromToken = context === fromToken
  const { site } = context
  const { ruleset, choices, profile, isPreview } = plan
  rememberUniqueCodes(request.site, ruleset.hasUniqueCodes)

  const needsTimes = !isFromToken && !withExposureTimes && choices.some(isUniqueCodeTreatment)
  const firstExposedAt = needsTimes
    ? await loadExposureTimes(c.env.DB, site.id, request.visitorId)
    : context.firstExposedAt
  const codeHolder = uniqueCodeHolder(request.visitorId, context.state.personId)
  const built = await buildDecisions(choices, site.codeSecret, codeHolder, firstExposedAt, now)

  const decisions: Record<string, Decision | null> = Object.fromEntries(
    request.slots.map((slot) => [slot, null]),
  )
  for (const { slot, decision } of built) decisions[slot] = decision

  // Previews are never counted: no exposure, so no metric and no code issued. Over the site's daily
  // write quota the page is still served, but no exposure is recorded (offer metrics miss them).
  // A token decide checks the quota as this isolate last read it (at most SITE_ENTRY_MAX_AGE_MS old).
  const exposures =
    isPreview || !hasQuotaRoom(context.quota, built.length)
      ? []
      : takeUnwritten(
          built.map(({ rule, decision }) => ({
            siteId: site.id,
            ruleId: rule.id,
            visitorId: request.visitorId,
            visitId: request.visitId,
            variant: decision.variant,
            rulesetVersion: ruleset.version,
            offerCode: decision.offer?.code?.toUpperCase() ?? null,
          })),
        )
  if (exposures.length > 0) {
    c.executionCtx.waitUntil(
      recordExposures(c.env.DB, exposures, now).catch((error: unknown) => {
        forgetWritten(exposures)
        console.error('recording exposures failed', error)
      }),
    )
  }
  if (isPreview) return c.json({ profile, decisions, preview: true } satisfies DecideResponse)
  // A token decide hands back the token it trusted: re-signing it would stretch its age bound
  // forever without storage ever being read. A storage decide issues a fresh one.
  const profileToken = isFromToken
    ? request.profileToken!
    : await issueProfileToken({
        codeSecret: site.codeSecret,
        visitorId: request.visitorId,
        visitId: request.visitId,
        state: context.state,
        epoch: site.profileEpoch,
        now,
      })
  return c.json({ profile, decisions, profileToken } satisfies DecideResponse)
})

type DecisionPlan = {
  profile: Profile
  ruleset: CompiledRuleset
  choices: SlotChoice[]
  isPreview: boolean
}

/** Whether a choice hands out a unique offer code (which needs storage: holder and first exposure). */
function isUniqueCodeTreatment({ rule, variant, isOfferWithheld }: SlotChoice): boolean {
  return variant === 'treatment' && !isOfferWithheld && rule.offer?.uniqueCodes !== undefined
}

/**
 * The profile (the previewed segment's with a valid preview token) and the rule chosen per slot,
 * from a decide context, whether storage or a profile token gave it.
 */
async function planDecisions(
  env: AppEnv['Bindings'],
  request: DecideRequest,
  context: DecideContext,
  now: number,
): Promise<DecisionPlan> {
  const { site } = context
  let profile = toProfile(request.visitorId, context.state, now, site.lapseDays)
  // Coded offers match on this one by default: what the shop's server verified, nothing else.
  let verifiedProfile = toVerifiedProfile(request.visitorId, context.state, now, site.lapseDays)
  let isPreview = false
  if (request.preview) {
    const verified = await verifyPreviewToken(site.codeSecret, site.id, request.preview, now)
    if ('error' in verified) {
      throw new ApiError(
        'invalid_preview',
        `This preview link is ${verified.error === 'expired' ? 'expired' : 'not valid'}; ask for a new one.`,
      )
    }
    profile = previewProfile(
      { ...verified.claims, visitorId: request.visitorId },
      site.lapseDays,
      now,
    )
    verifiedProfile = profile
    isPreview = true
  }
  const ruleset = await loadRuleset(env, site.id, context.rulesVersion, site)
  const choices = chooseForSlots(
    ruleset,
    request.slots,
    profile,
    request.context,
    now,
    verifiedProfile,
  )
  return { profile, ruleset, choices, isPreview }
}
