import { RedeemRequestSchema, type RedeemResult } from '@stammis/contract'
import { Hono } from 'hono'
import type { AppEnv } from '../env'
import { readBody } from '../http/body'
import { redeemCode } from './redeem'

/**
 * `POST /v1/admin/offers/redeem`: for the shop's checkout server (secret key). Always 200 for a
 * well-formed check; `valid` and `reason` say whether the code may be used.
 */
export const offerRoutes = new Hono<AppEnv>().post('/redeem', async (c) => {
  const request = await readBody(c, RedeemRequestSchema)
  const result = await redeemCode(c.env, c.get('site'), request, Date.now())
  return c.json(result satisfies RedeemResult)
})
