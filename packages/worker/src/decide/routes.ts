import { DecideRequestSchema, type Decision } from '@stammis/contract'
import { Hono } from 'hono'
import type { AppEnv } from '../env'
import { ApiError } from '../errors'
import { recordExposures } from '../exposures/queries'
import { forgetWritten, takeUnwritten } from '../exposures/recent'
import { parseWith, readJson } from '../http/body'
import { assertOriginAllowed } from '../http/cors'
import { loadRuleset } from '../rules/store'
import { toProfile } from '../segments/classify'
import { assertPublicKeyField } from '../sites/public-key'
import { loadDecideContext } from './queries'
import { chooseForSlots } from './select'

/**
 * `POST /v1/decide`: the visitor's profile and, per slot, what to show. One D1 read, rules from
 * memory, exposures written after the response has gone out.
 */
export const decideRoutes = new Hono<AppEnv>().post('/', async (c) => {
  const raw = await readJson(c)
  assertPublicKeyField(raw)
  const request = parseWith(DecideRequestSchema, raw)
  const now = Date.now()

  const context = await loadDecideContext(c.env.DB, request.site, request.visitorId, request.visitId)
  if (!context) throw new ApiError('unknown_site', `No site has the public key "${request.site}".`)
  assertOriginAllowed(c, context.site)

  const profile = toProfile(request.visitorId, context.state, now, context.site.lapseDays)
  const ruleset = await loadRuleset(c.env, context.site.id, context.rulesVersion)
  const choices = chooseForSlots(ruleset, request.slots, profile, request.context, now)

  const decisions: Record<string, Decision | null> = Object.fromEntries(request.slots.map((slot) => [slot, null]))
  for (const choice of choices) decisions[choice.slot] = choice.decision

  const exposures = takeUnwritten(
    choices.map(({ rule, decision }) => ({
      siteId: context.site.id,
      ruleId: rule.id,
      visitorId: request.visitorId,
      visitId: request.visitId,
      variant: decision.variant,
      rulesetVersion: ruleset.version,
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
  return c.json({ profile, decisions })
})
