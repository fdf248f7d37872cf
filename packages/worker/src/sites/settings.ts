import {
  SiteSettingsPatchSchema,
  type IdentitySecret,
  type PublicKeyRotation,
  type SecretKeyRotation,
  type SiteSettings,
  type SiteSettingsPatchResult,
  type WebhookSecret,
} from '@stammis/contract'
import { Hono } from 'hono'
import type { AppEnv } from '../env'
import { ApiError } from '../errors'
import { readBody } from '../http/body'
import { ledgerFor, ledgerSite } from '../ledger/client'
import { randomAlphanumeric } from '../lib/crypto'
import {
  findAtRiskBelow,
  findSiteKeyStatus,
  setAtRiskBelow,
  setIdentitySecret,
  setWebhookSecret,
  updateSiteSettings,
} from './queries'
import { forgetSite } from './directory'
import { findEdgeConfig, saveEdgeConfig } from './edge-config'
import { forgetEdgeHostnames } from './edge-directory'
import { rotatePublicKey, rotateSecretKey } from './rotation'

/**
 * `/v1/admin/site`: the site's settings, the order webhook's signing secret and the identity
 * secret (each shown once), and key rotation. Changing `trustBrowserPurchases` applies to each
 * visitor from their next event or order on; `allowScripts` from the next decide on; `edge` at once
 * in this isolate and within the edge directory's 10 s everywhere else.
 */
export const siteRoutes = new Hono<AppEnv>()
  .get('/', async (c) => {
    const site = c.get('site')
    const now = Date.now()
    const [status, quota, edge] = await Promise.all([
      findSiteKeyStatus(c.env.DB, site.id),
      ledgerFor(c.env, site.id).writeQuota(ledgerSite(site), now),
      findEdgeConfig(c.env.DB, site.id),
    ])
    const previousValid =
      status?.previousPublicKey && (status.previousPublicKeyExpiresAt ?? 0) > now
    // The contract's fields named one by one: a new internal field of Site is never sent out.
    return c.json({
      id: site.id,
      name: site.name,
      publicKey: site.publicKey,
      allowedOrigins: site.allowedOrigins,
      currency: site.currency,
      lapseDays: site.lapseDays,
      timeZone: site.timeZone,
      trustBrowserPurchases: site.trustBrowserPurchases,
      allowScripts: site.allowScripts,
      edge,
      hasWebhookSecret: status?.hasWebhookSecret === true,
      hasIdentitySecret: status?.hasIdentitySecret === true,
      quota: { limit: quota.quota, used: quota.used },
      previousPublicKey: previousValid ? status.previousPublicKey : null,
      previousKeyValidUntil: previousValid
        ? new Date(status.previousPublicKeyExpiresAt!).toISOString()
        : null,
    } satisfies SiteSettings)
  })
  .patch('/', async (c) => {
    const patch = await readBody(c, SiteSettingsPatchSchema)
    const site = c.get('site')
    // The edge config first: a hostname taken by another site refuses the whole patch (409).
    if (patch.edge !== undefined) {
      forgetEdgeHostnames(await saveEdgeConfig(c.env.DB, site.id, patch.edge, Date.now()))
    }
    await updateSiteSettings(c.env.DB, site.id, patch)
    if (patch.predictions) await setAtRiskBelow(c.env.DB, site.id, patch.predictions.atRiskBelow)
    // This isolate serves the change at once; others within SITE_ENTRY_MAX_AGE_MS.
    forgetSite(site.id)
    return c.json({
      trustBrowserPurchases: patch.trustBrowserPurchases ?? site.trustBrowserPurchases,
      lapseDays: patch.lapseDays ?? site.lapseDays,
      allowScripts: patch.allowScripts ?? site.allowScripts,
      edge: patch.edge !== undefined ? patch.edge : await findEdgeConfig(c.env.DB, site.id),
      predictions: {
        atRiskBelow: patch.predictions?.atRiskBelow ?? (await findAtRiskBelow(c.env.DB, site.id)),
      },
    } satisfies SiteSettingsPatchResult)
  })
  .post('/rotate-secret', async (c) => {
    // The old key and every session (this one too, when called from a session) stop working now.
    const rotation = await rotateSecretKey(c.env.DB, c.get('site').id)
    c.header('Cache-Control', 'no-store')
    return c.json(rotation satisfies SecretKeyRotation)
  })
  .post('/rotate-public-key', async (c) => {
    const rotation = await rotatePublicKey(c.env.DB, c.get('site').id, Date.now())
    if (!rotation) throw new ApiError('invalid_api_key', 'The site of this key no longer exists.')
    forgetSite(c.get('site').id)
    return c.json(rotation satisfies PublicKeyRotation)
  })
  .post('/webhook-secret', async (c) => {
    // A new secret replaces the old one at once: deploy it to the shop's server right after.
    const secret = `whsec_${randomAlphanumeric(40)}`
    await setWebhookSecret(c.env.DB, c.get('site').id, secret)
    c.header('Cache-Control', 'no-store')
    return c.json({ secret } satisfies WebhookSecret)
  })
  .post('/identity-secret', async (c) => {
    // The shop's server signs signed-in customers' ids with it (HMAC-SHA256); only signed identifies
    // merge a browser into a customer's history. A new secret replaces the old one at once: until
    // the server signs with the new one, identifies count as unsigned (recorded, never merged).
    const identitySecret = `idsec_${randomAlphanumeric(40)}`
    await setIdentitySecret(c.env.DB, c.get('site').id, identitySecret)
    c.header('Cache-Control', 'no-store')
    return c.json({ identitySecret } satisfies IdentitySecret)
  })
