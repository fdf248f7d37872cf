import { ServerOrdersRequestSchema, type ServerOrdersResult } from '@stammis/contract'
import { Hono } from 'hono'
import type { AppEnv } from '../env'
import { ADMIN_MAX_BODY_BYTES, readBody } from '../http/body'
import { storeServerOrders } from './store'

/**
 * `POST /v1/admin/orders`: the shop's server reports orders (secret key): history to import, or
 * purchases it confirms. Up to 1,000 a call; the whole call is rejected if one order is invalid.
 * `?source=import` marks history; the default is a live server report.
 */
export const orderRoutes = new Hono<AppEnv>().post('/', async (c) => {
  const { orders } = await readBody(c, ServerOrdersRequestSchema, ADMIN_MAX_BODY_BYTES)
  const source = c.req.query('source') === 'import' ? 'import' : 'server'
  const result = await storeServerOrders(c.env, c.get('site'), orders, source, (promise) =>
    c.executionCtx.waitUntil(promise),
  )
  return c.json(result satisfies ServerOrdersResult)
})
