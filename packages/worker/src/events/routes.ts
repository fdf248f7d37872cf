import { EventsRequestSchema } from '@stammis/contract'
import { Hono } from 'hono'
import type { AppEnv } from '../env'
import { ApiError } from '../errors'
import { parseWith, readJson } from '../http/body'
import { assertOriginAllowed } from '../http/cors'
import { toProfile } from '../segments/classify'
import { assertPublicKeyField } from '../sites/public-key'
import { findSiteByPublicKey } from '../sites/queries'
import { recordEvents } from './queries'

/** `POST /v1/events`: the browser's batches of visits, page views, purchases and more. */
export const eventRoutes = new Hono<AppEnv>().post('/', async (c) => {
  const raw = await readJson(c)
  assertPublicKeyField(raw)
  const publicKey = (raw as { site: string }).site
  const site = await findSiteByPublicKey(c.env.DB, publicKey)
  if (!site) throw new ApiError('unknown_site', `No site has the public key "${publicKey}".`)
  assertOriginAllowed(c, site)
  const request = parseWith(EventsRequestSchema, raw)

  const now = Date.now()
  const { accepted, duplicates, state } = await recordEvents(c.env.DB, site, request, now)
  return c.json({ accepted, duplicates, profile: toProfile(request.visitorId, state, now, site.lapseDays) })
})
