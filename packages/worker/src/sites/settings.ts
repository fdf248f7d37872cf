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
 * `/v1/admin/site`: the site's settings, and the order webhook's signing secret (shown once).
 * Changing `trustBrowserPurchases` applies to each visitor from their next event or order on.
 */
export const siteRoutes = new Hono<AppEnv>()
  .get('/', async (c) => {
    const site = c.get('site')
    const row = await c.env.DB.prepare('SELECT webhook_secret IS NOT NULL AS has_secret FROM sites WHERE id = ?1').bind(site.id).first<{ has_secret: number }>()
    const { codeSecret: _secret, ...visible } = site
    return c.json({ ...visible, hasWebhookSecret: row?.has_secret === 1 })
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
