import { z } from 'zod'
import { Hono } from 'hono'
import { customAlphabet } from 'nanoid'
import type { AppEnv } from '../env'
import { readBody } from '../http/body'

const randomPart = customAlphabet('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz', 40)

export const SiteSettingsPatchSchema = z.strictObject({
  /** Count browser-reported purchases for classification at once (true), or only once verified. */
  trustBrowserPurchases: z.boolean().optional(),
  lapseDays: z.number().int().min(1).max(3650).optional(),
})

/**
 * `/v1/admin/site`: the site's settings, the order webhook's signing secret and the identity
 * secret (each shown once). Changing `trustBrowserPurchases` applies to each visitor from their
 * next event or order on.
 */
export const siteRoutes = new Hono<AppEnv>()
  .get('/', async (c) => {
    const site = c.get('site')
    const row = await c.env.DB.prepare('SELECT webhook_secret IS NOT NULL AS has_secret, identity_secret IS NOT NULL AS has_identity_secret FROM sites WHERE id = ?1')
      .bind(site.id)
      .first<{ has_secret: number; has_identity_secret: number }>()
    const { codeSecret: _secret, ...visible } = site
    return c.json({ ...visible, hasWebhookSecret: row?.has_secret === 1, hasIdentitySecret: row?.has_identity_secret === 1 })
  })
  .patch('/', async (c) => {
    const patch = await readBody(c, SiteSettingsPatchSchema)
    const site = c.get('site')
    await c.env.DB.prepare(
      'UPDATE sites SET trust_browser_purchases = coalesce(?2, trust_browser_purchases), lapse_days = coalesce(?3, lapse_days) WHERE id = ?1',
    )
      .bind(site.id, patch.trustBrowserPurchases === undefined ? null : patch.trustBrowserPurchases ? 1 : 0, patch.lapseDays ?? null)
      .run()
    return c.json({
      trustBrowserPurchases: patch.trustBrowserPurchases ?? site.trustBrowserPurchases,
      lapseDays: patch.lapseDays ?? site.lapseDays,
    })
  })
  .post('/webhook-secret', async (c) => {
    // A new secret replaces the old one at once: deploy it to the shop's server right after.
    const secret = `whsec_${randomPart()}`
    await c.env.DB.prepare('UPDATE sites SET webhook_secret = ?2 WHERE id = ?1').bind(c.get('site').id, secret).run()
    return c.json({ secret })
  })
  .post('/identity-secret', async (c) => {
    // The shop's server signs signed-in customers' ids with it (HMAC-SHA256); only signed identifies
    // merge a browser into a customer's history. A new secret replaces the old one at once: until
    // the server signs with the new one, identifies count as unsigned (recorded, never merged).
    const identitySecret = `idsec_${randomPart()}`
    await c.env.DB.prepare('UPDATE sites SET identity_secret = ?2 WHERE id = ?1').bind(c.get('site').id, identitySecret).run()
    return c.json({ identitySecret })
  })
