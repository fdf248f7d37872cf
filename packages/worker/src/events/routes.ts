import { EventsRequestSchema, type EventsResponse } from '@stammis/contract'
import { Hono } from 'hono'
import type { AppEnv } from '../env'
import { ApiError } from '../errors'
import { parseWith, readJson } from '../http/body'
import { isBot } from '../http/bots'
import { assertOriginAllowed } from '../limits/cors'
import { planIdentify } from '../identity/identify'
import { assertQuotaRoom, findSiteWithQuota } from '../limits/quota'
import { browserChecks, enforceRateLimits } from '../limits/rates'
import { answerBotEvents } from '../privacy/bot-answers'
import { insertVisitorOfPersonStatement } from '../identity/queries'
import { issueProfileToken } from '../profile-token/token'
import { toProfile, type VisitorState } from '../segments/classify'
import {
  recomputeVisitorStatement,
  selectVisitorStateStatement,
  toVisitorState,
  type VisitorStateRow,
} from '../segments/queries'
import { bumpProfileEpochStatement } from '../sites/profile-epoch'
import { assertPublicKeyField } from '../sites/public-key'
import { forgetSiteEntries } from '../sites/recent-entries'
import { recordEvents } from './queries'

/**
 * `POST /v1/events`: the browser's batches of visits, page views, purchases and more. When an
 * identify moves a shared computer to a second customer, the answer's `profile.visitorId` is the
 * fresh visitor id the browser must use from now on.
 */
export const eventRoutes = new Hono<AppEnv>().post('/', async (c) => {
  const raw = await readJson(c)
  assertPublicKeyField(raw)
  const publicKey = (raw as { site: string }).site
  // Before any storage work: a refused request costs no D1 query.
  await enforceRateLimits(
    c.env,
    browserChecks(publicKey, (raw as { visitorId?: unknown }).visitorId),
  )
  const now = Date.now()
  const found = await findSiteWithQuota(c.env.DB, publicKey, now)
  if (!found) throw new ApiError('unknown_site', `No site has the public key "${publicKey}".`)
  const { site, quota } = found
  assertOriginAllowed(c, site)
  const request = parseWith(EventsRequestSchema, raw)
  if (isBot(c.req.raw)) return answerBotEvents(c, site, request)
  // Every event could be new: refuse the batch whole if it could take the site past today's quota.
  assertQuotaRoom(quota, request.events.length, now)

  const plan = await planIdentify(c.env.DB, site, request)
  const { accepted, duplicates, state } = await recordEvents(c.env.DB, site, request, now, plan)
  // The site's epoch was read before the batch: a bump since then only makes this token refused.
  const token = (visitorId: string, visitorState: VisitorState, epoch: number) =>
    issueProfileToken({
      codeSecret: site.codeSecret,
      visitorId,
      visitId: request.visitId,
      state: visitorState,
      epoch,
      now,
    })
  if (!plan.switchTo) {
    return c.json({
      accepted,
      duplicates,
      profile: toProfile(request.visitorId, state, now, site.lapseDays),
      profileToken: await token(request.visitorId, state, site.profileEpoch),
    } satisfies EventsResponse)
  }

  // An identity split: the shared computer's old visitor id stays the first customer's, and no
  // token issued to it before the split answers decide afterwards.
  const { visitorId, personId } = plan.switchTo
  const [bumped, , , selected] = await c.env.DB.batch([
    bumpProfileEpochStatement(c.env.DB, site.id),
    insertVisitorOfPersonStatement(c.env.DB, site.id, visitorId, personId, now),
    recomputeVisitorStatement(
      c.env.DB,
      site.id,
      visitorId,
      site.currency,
      site.trustBrowserPurchases,
    ),
    selectVisitorStateStatement(c.env.DB, site.id, visitorId, request.visitId),
  ])
  forgetSiteEntries(site.id)
  const switched = toVisitorState(selected!.results[0] as VisitorStateRow)
  const epoch = (bumped!.results[0] as { profile_epoch: number }).profile_epoch
  return c.json({
    accepted,
    duplicates,
    profile: toProfile(visitorId, switched, now, site.lapseDays),
    profileToken: await token(visitorId, switched, epoch),
  } satisfies EventsResponse)
})
