import { DecideRequestSchema, type DecideResponse } from '@stammis/contract'
import { Hono } from 'hono'
import type { AppEnv } from '../env'
import { ApiError } from '../errors'
import { parseWith, readJson } from '../http/body'
import { browserChecks, enforceRateLimits } from '../limits/rates'
import { isBot } from '../http/bots'
import { assertOriginAllowed } from '../limits/cors'
import { answerBotDecide } from '../privacy/bot-answers'
import { assertPublicKeyField } from '../sites/public-key'
import { findSiteByPublicKey } from '../sites/queries'
import { decideForVisitor } from './decide-for-visitor'

/**
 * `POST /v1/decide`: the visitor's profile and, per slot, what to show (`decideForVisitor`, which
 * the edge calls too). One D1 read, rules from memory, exposures written after the response has
 * gone out. With a valid preview token the profile is the previewed segment's and nothing is
 * recorded.
 */
export const decideRoutes = new Hono<AppEnv>().post('/', async (c) => {
  const raw = await readJson(c)
  assertPublicKeyField(raw)
  const request = parseWith(DecideRequestSchema, raw)
  // Before the one D1 read: a refused request costs no query.
  await enforceRateLimits(c.env, browserChecks(request.site, request.visitorId))
  const unknownSite = () =>
    new ApiError('unknown_site', `No site has the public key "${request.site}".`)

  if (isBot(c.req.raw)) {
    const site = await findSiteByPublicKey(c.env.DB, request.site)
    if (!site) throw unknownSite()
    assertOriginAllowed(c, site)
    return answerBotDecide(c, site, request)
  }

  const answer = await decideForVisitor(
    c.env,
    (promise) => c.executionCtx.waitUntil(promise),
    {
      publicKey: request.site,
      visitorId: request.visitorId,
      visitId: request.visitId,
      slots: request.slots,
      context: request.context,
      preview: request.preview,
      profileToken: request.profileToken,
    },
    { admit: (site) => assertOriginAllowed(c, site) },
  )
  if (!answer) throw unknownSite()
  answer.recordShown()
  const { profile, decisions, isPreview, profileToken } = answer
  return c.json({
    profile,
    decisions,
    ...(isPreview && { preview: true as const }),
    ...(profileToken && { profileToken }),
  } satisfies DecideResponse)
})
