import {
  DecideRequestSchema,
  type DecideRequest,
  type DecideResponse,
  type Decision,
  type Profile,
} from '@stammis/contract'
import { Hono } from 'hono'
import type { AppEnv, Env } from '../env'
import { ApiError } from '../errors'
import { forgetWritten, takeUnwritten } from '../exposures/recent'
import { ledgerFor, ledgerSite } from '../ledger/client'
import { rememberLedgerRead } from '../ledger/recent-reads'
import type { DecideContext } from '../ledger/types'
import { parseWith, readJson } from '../http/body'
import { hasQuotaRoom } from '../limits/quota'
import { browserChecks, enforceRateLimits } from '../limits/rates'
import { isBot } from '../http/bots'
import { assertOriginAllowed } from '../limits/cors'
import { uniqueCodeHolder } from '../offers/codes'
import { previewProfile } from '../segments/preview-profile'
import { answerBotDecide } from '../privacy/bot-answers'
import { verifyPreviewToken } from './preview-token'
import { issueProfileToken } from '../profile-token/token'
import { loadRuleset, type CompiledRuleset } from '../rules/store'
import { toProfile, toVerifiedProfile } from '../segments/classify'
import { siteByPublicKey } from '../sites/directory'
import type { Site } from '../sites/site'
import { assertPublicKeyField } from '../sites/public-key'
import { buildDecisions, chooseForSlots, type SlotChoice } from './engine'
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
 * `POST /v1/decide`: the visitor's profile and, per slot, what to show. The site from the
 * isolate's directory; then, with a valid profile token, no storage call at all (the profile from
 * the token, the live rules version and quota as this isolate last read them); otherwise one call
 * to the site's ledger (visitor state, live rules version, quota) and a fresh token in the answer.
 * Rules from memory, exposures written after the response has gone out. With a valid preview token the
 * profile is the previewed segment's and nothing is recorded.
 */
export const decideRoutes = new Hono<AppEnv>().post('/', async (c) => {
  const raw = await readJson(c)
  assertPublicKeyField(raw)
  const request = parseWith(DecideRequestSchema, raw)
  // Before any storage call: a refused request costs no read.
  await enforceRateLimits(c.env, browserChecks(request.site, request.visitorId))
  const now = Date.now()

  const site = await siteByPublicKey(c.env.DB, request.site, now)
  if (!site) throw new ApiError('unknown_site', `No site has the public key "${request.site}".`)
  assertOriginAllowed(c, site)
  if (isBot(c.req.raw)) return answerBotDecide(c, site, request)

  const ledger = ledgerFor(c.env, site.id)
  // Exposure times only matter for unique offer codes; skip them for sites known to have none.
  const withExposureTimes = sitesWithUniqueCodes.get(request.site) ?? true
  const readLedger = async (): Promise<DecideContext> => {
    await benchStorageDelay(c.env)
    const read = await ledger.decideContext(ledgerSite(site), {
      visitorId: request.visitorId,
      visitId: request.visitId,
      withExposureTimes,
      now,
    })
    rememberLedgerRead(site.id, read, now)
    return read
  }
  // A valid profile token, and the site's live rules version and quota read by this isolate
  // within LEDGER_READ_MAX_AGE_MS: no storage call at all. Otherwise one ledger call.
  const fromToken = await decideContextFromToken(site, request, now)
  let context = fromToken ?? (await readLedger())
  let plan = await planDecisions(c.env, site, request, context, now)
  // A unique code is derived from the holder's person and expires from its first exposure: both
  // are the ledger's to tell, so a token decide that chose one calls the ledger after all.
  if (fromToken && plan.choices.some(isUniqueCodeTreatment)) {
    context = await readLedger()
    plan = await planDecisions(c.env, site, request, context, now)
  }
  const isFromToken = context === fromToken
  const { ruleset, choices, profile, isPreview } = plan
  rememberUniqueCodes(request.site, ruleset.hasUniqueCodes)

  const needsTimes = !isFromToken && !withExposureTimes && choices.some(isUniqueCodeTreatment)
  const firstExposedAt = needsTimes
    ? await ledger.exposureTimes(request.visitorId)
    : context.firstExposedAt
  const codeHolder = uniqueCodeHolder(request.visitorId, context.state.personId)
  const built = await buildDecisions(choices, site.codeSecret, codeHolder, firstExposedAt, now)

  const decisions: Record<string, Decision | null> = Object.fromEntries(
    request.slots.map((slot) => [slot, null]),
  )
  for (const { slot, decision } of built) decisions[slot] = decision

  // Previews are never counted: no exposure, so no metric and no code issued. Over the site's daily
  // write quota the page is still served, but no exposure is recorded (offer metrics miss them).
  const exposures =
    isPreview || !hasQuotaRoom(context.quota, built.length)
      ? []
      : takeUnwritten(
          site.id,
          built.map(({ rule, decision }) => ({
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
      ledger.recordExposures(ledgerSite(site), exposures, now).catch((error: unknown) => {
        forgetWritten(site.id, exposures)
        console.error('recording exposures failed', error)
      }),
    )
  }
  if (isPreview) return c.json({ profile, decisions, preview: true } satisfies DecideResponse)
  // A token decide hands back the token it trusted: re-signing it would stretch its age bound
  // for ever without storage being read. A ledger decide issues a fresh one.
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
  request: DecideRequest,
  context: DecideContext,
  now: number,
): Promise<DecisionPlan> {
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
