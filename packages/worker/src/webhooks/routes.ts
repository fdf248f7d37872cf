import { ServerOrdersRequestSchema, type ServerOrdersResult } from '@stammis/contract'
import { Hono } from 'hono'
import type { AppEnv } from '../env'
import { ApiError } from '../errors'
import { assertJsonContentType, parseJsonText, parseWith, readText } from '../http/body'
import { enforceRateLimits } from '../limits/rates'
import { ledgerFor } from '../ledger/client'
import { storeServerOrders } from '../orders/store'
import { siteByPublicKey } from '../sites/directory'
import { findWebhookSecret } from './queries'
import { checkWebhookSignature, WEBHOOK_TOLERANCE_MS } from '../lib/webhook-signature'

/** A delivery carries up to 1,000 orders (about 300 KB); anything past 2 MB is refused unread. */
export const WEBHOOK_MAX_BODY_BYTES = 2 * 1024 * 1024

/**
 * `POST /v1/webhooks/:publicKey/orders`: the shop's server reports orders without a secret key
 * in the request, signed with the site's webhook secret instead (see signature.ts). Each delivery
 * is accepted once: a replayed signature is refused.
 */
export const webhookRoutes = new Hono<AppEnv>().post('/:publicKey/orders', async (c) => {
  const publicKey = c.req.param('publicKey')
  // Before the site lookup and before reading the body: a flood costs no query and no signature check.
  await enforceRateLimits(c.env, [{ limit: 'webhook', key: publicKey }])
  const site = await siteByPublicKey(c.env.DB, publicKey, Date.now())
  if (!site) throw new ApiError('unknown_site', `No site has the public key "${publicKey}".`)
  const webhookSecret = await findWebhookSecret(c.env.DB, site.id)
  if (!webhookSecret)
    throw new ApiError(
      'invalid_signature',
      'This site has no webhook secret yet: create one with POST /v1/admin/site/webhook-secret.',
    )

  // The signature covers the raw bytes, so read them before parsing: up to the cap and no further.
  assertJsonContentType(c)
  const rawBody = await readText(c.req.raw, WEBHOOK_MAX_BODY_BYTES)
  const now = Date.now()
  const signature = c.req.header('stammis-signature')
  const check = await checkWebhookSignature(
    webhookSecret,
    c.req.header('stammis-timestamp'),
    signature,
    rawBody,
    now,
  )
  if (!check.ok) {
    if (check.reason === 'stale')
      throw new ApiError(
        'stale_webhook',
        "The delivery is more than 5 minutes old (or ahead): check the sender's clock, then send it again signed now.",
      )
    throw new ApiError(
      'invalid_signature',
      'The signature is missing or does not match the body and the webhook secret.',
    )
  }

  const { orders } = parseWith(ServerOrdersRequestSchema, parseJsonText(rawBody))
  const remembered = await ledgerFor(c.env, site.id).rememberWebhookDelivery(
    signature!.trim(),
    now,
    now - 2 * WEBHOOK_TOLERANCE_MS,
  )
  if (!remembered)
    throw new ApiError(
      'webhook_replayed',
      'This delivery was already accepted; a replay changes nothing.',
    )
  const result = await storeServerOrders(c.env, site, orders, 'server', (promise) =>
    c.executionCtx.waitUntil(promise),
  )
  return c.json(result satisfies ServerOrdersResult)
})
