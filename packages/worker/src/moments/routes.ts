import {
  CreateDestinationRequestSchema,
  type DestinationList,
  type DeliveryLog,
  type ResendResult,
} from '@stammis/contract'
import { Hono } from 'hono'
import type { AppEnv } from '../env'
import { readBody } from '../http/body'
import { addDestination, destinationsOf, removeDestination, resendDelivery } from './destinations'
import { countDeliveries, listDeliveries } from './queries'

/**
 * Moment destinations on the admin API (secret key or session): add (the signing secret is in
 * this answer only), list, delete.
 * @example app.route('/v1/admin/destinations', destinationRoutes)
 */
export const destinationRoutes = new Hono<AppEnv>()
  .post('/', async (c) => {
    const request = await readBody(c, CreateDestinationRequestSchema)
    return c.json(await addDestination(c.env, c.get('site'), request), 201)
  })
  .get('/', async (c) =>
    c.json({ destinations: await destinationsOf(c.env, c.get('site')) } satisfies DestinationList),
  )
  .delete('/:id', async (c) => {
    await removeDestination(c.env, c.get('site'), c.req.param('id'))
    return c.body(null, 204)
  })

/**
 * The delivery log on the admin API: the newest deliveries with counts per moment and status, and
 * a resend.
 * @example app.route('/v1/admin/moments', momentRoutes)
 */
export const momentRoutes = new Hono<AppEnv>()
  .get('/deliveries', async (c) => {
    const site = c.get('site')
    const [deliveries, counts] = await Promise.all([
      listDeliveries(c.env.DB, site.id),
      countDeliveries(c.env.DB, site.id),
    ])
    return c.json({ deliveries, counts } satisfies DeliveryLog)
  })
  .post('/deliveries/:id/resend', async (c) => {
    await resendDelivery(c.env, c.get('site'), c.req.param('id'))
    return c.json({ resent: true } satisfies ResendResult)
  })
