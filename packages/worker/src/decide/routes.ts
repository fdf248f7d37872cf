import { DecideRequestSchema, type DecideResponse, type Decision } from '@stammis/contract'
import { Hono } from 'hono'
import type { AppEnv } from '../env'
import { ApiError } from '../errors'
import { forgetWritten, takeUnwritten } from '../exposures/recent'
import { ledgerFor, ledgerSite } from '../ledger/client'
import { parseWith, readJson } from '../http/body'
import { hasQuotaRoom } from '../limits/quota'
import { browserChecks, enforceRateLimits } from '../limits/rates'
import { isBot } from '../http/bots'
import { assertOriginAllowed } from '../limits/cors'
import { uniqueCodeHolder } from '../offers/codes'
import { decidePredictions, NO_PREDICTIONS } from '../predictions/decide'
import { previewProfile } from '../segments/preview-profile'
import { answerBotDecide } from '../privacy/bot-answers'
import { verifyPreviewToken } from './preview-token'
import { loadRuleset } from '../rules/store'
import { toProfile, toVerifiedProfile } from '../segments/classify'
import { siteByPublicKey } from '../sites/directory'
import { assertPublicKeyField } from '../sites/public-key'
import { buildDecisions, chooseForSlots } from './engine'

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
 * isolate's directory, one call to the site's ledger (visitor state, live rules version, quota),
 * rules from memory, exposures written after the response has gone out. With a valid preview token the
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

  // Exposure times only matter for unique offer codes; skip them for sites known to have none.
  const withExposureTimes = sitesWithUniqueCodes.get(request.site) ?? true
  const ledger = ledgerFor(c.env, site.id)
  const context = await ledger.decideContext(ledgerSite(site), {
    visitorId: request.visitorId,
    visitId: request.visitId,
    withExposureTimes,
    now,
  })

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

  const ruleset = await loadRuleset(c.env, site.id, context.rulesVersion, site)
  rememberUniqueCodes(request.site, ruleset.hasUniqueCodes)
  // Prediction facts only for rules that read them; a preview link's made-up visitor has none.
  const predictions =
    ruleset.hasPredictionConditions && !isPreview
      ? decidePredictions(context.predictionInputs, site, now)
      : NO_PREDICTIONS
  const choices = chooseForSlots(
    ruleset,
    request.slots,
    profile,
    request.context,
    now,
    verifiedProfile,
    predictions,
  )
  const needsTimes =
    !withExposureTimes &&
    choices.some(
      ({ rule, variant, isOfferWithheld }) =>
        variant === 'treatment' && !isOfferWithheld && rule.offer?.uniqueCodes,
    )
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
  const answer: DecideResponse = isPreview
    ? { profile, decisions, preview: true }
    : { profile, decisions }
  return c.json(answer)
})
