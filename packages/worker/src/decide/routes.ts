import { DecideRequestSchema, type DecideResponse } from '@stammis/contract'
import { Hono } from 'hono'
import type { AppEnv } from '../env'
import { ApiError } from '../errors'
import { parseWith, readJson } from '../http/body'
import { browserChecks, enforceRateLimits } from '../limits/rates'
import { isBot } from '../http/bots'
import { assertOriginAllowed } from '../limits/cors'
import { answerBotDecide } from '../privacy/bot-answers'
import { siteByPublicKey } from '../sites/directory'
import { assertPublicKeyField } from '../sites/public-key'
import { decideForVisitor } from './decide-for-visitor'

/**
 * `POST /v1/decide`: the visitor's profile and, per slot, what to show (`decideForVisitor`, which
 * the edge calls too): with a valid profile token no storage call, otherwise one call to the
 * site's ledger and a fresh token; rules from memory, exposures written after the response has
 * gone out. With a valid preview token the profile is the previewed segment's and nothing is
 * recorded.
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

  const answer = await decideForVisitor(
    c.env,
    (promise) => c.executionCtx.waitUntil(promise),
    site,
    {
      visitorId: request.visitorId,
      visitId: request.visitId,
      slots: request.slots,
      context: request.context,
      preview: request.preview,
      profileToken: request.profileToken,
    },
    now,
  )
  answer.recordShown()
  const { profile, decisions, isPreview, profileToken } = answer
  if (isPreview) return c.json({ profile, decisions, preview: true } satisfies DecideResponse)
  return c.json({ profile, decisions, profileToken } satisfies DecideResponse)
})
