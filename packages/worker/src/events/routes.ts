import { EventsRequestSchema, type EventsResponse } from '@stammis/contract'
import { Hono } from 'hono'
import type { AppEnv } from '../env'
import { ApiError } from '../errors'
import { parseWith, readJson } from '../http/body'
import { isBot } from '../http/bots'
import { assertOriginAllowed } from '../limits/cors'
import { planIdentify } from '../identity/identify'
import { afterPurchases } from '../moments/transitions'
import { ledgerFor, ledgerSite } from '../ledger/client'
import { quotaExceeded } from '../limits/quota'
import { browserChecks, enforceRateLimits } from '../limits/rates'
import { answerBotEvents } from '../privacy/bot-answers'
import { issueProfileToken } from '../profile-token/token'
import { toProfile } from '../segments/classify'
import { siteByPublicKey } from '../sites/directory'
import { bumpProfileEpoch } from '../sites/profile-epoch'
import { assertPublicKeyField } from '../sites/public-key'
import { storedEvent } from './stored-url'

/**
 * `POST /v1/events`: the browser's batches of visits, page views, purchases and more, stored by
 * the site's ledger in one call (`recordBatch`: dedupe, the quota, identity links, counters).
 * When an identify moves a shared computer to a second customer, the answer's
 * `profile.visitorId` is the fresh visitor id the browser must use from now on.
 */
export const eventRoutes = new Hono<AppEnv>().post('/', async (c) => {
  const raw = await readJson(c)
  assertPublicKeyField(raw)
  const publicKey = (raw as { site: string }).site
  // Before any storage call: a refused request costs no read and no write.
  await enforceRateLimits(
    c.env,
    browserChecks(publicKey, (raw as { visitorId?: unknown }).visitorId),
  )
  const now = Date.now()
  const site = await siteByPublicKey(c.env.DB, publicKey, now)
  if (!site) throw new ApiError('unknown_site', `No site has the public key "${publicKey}".`)
  assertOriginAllowed(c, site)
  const request = parseWith(EventsRequestSchema, raw)
  if (isBot(c.req.raw)) return answerBotEvents(c, site, request)

  const { identities, signedPerson } = await planIdentify(c.env.DB, site, request)
  const result = await ledgerFor(c.env, site.id).recordBatch(ledgerSite(site), {
    visitorId: request.visitorId,
    visitId: request.visitId,
    // URLs and referrers lose their query strings but for utm_* parameters before they are stored.
    events: request.events.map(storedEvent),
    identities,
    signedPerson,
    now,
  })
  // Every event could be new: the ledger refused the batch whole (nothing stored) if it could
  // take the site past today's quota.
  if (!result.ok) throw quotaExceeded(result.quota, request.events.length, now)
  // Purchases that made a customer returning, repeat or won back: the shop's email tool hears.
  afterPurchases(c.env, site, result.transitions, (p) => c.executionCtx.waitUntil(p), now)

  // The site's epoch was read before the batch: a bump since then only makes this token refused.
  let epoch = site.profileEpoch
  if (result.visitorId !== request.visitorId) {
    // An identity split (a shared computer switched customers): no token issued before it
    // answers decide afterwards. Bumped after the ledger's change, so every token under the new
    // epoch was issued from the state after it.
    epoch = (await bumpProfileEpoch(c.env.DB, site.id)) ?? epoch
  }
  return c.json({
    accepted: result.accepted,
    duplicates: result.duplicates,
    profile: toProfile(result.visitorId, result.state, now, site.lapseDays),
    profileToken: await issueProfileToken({
      codeSecret: site.codeSecret,
      visitorId: result.visitorId,
      visitId: request.visitId,
      state: result.state,
      epoch,
      now,
    }),
  } satisfies EventsResponse)
})
