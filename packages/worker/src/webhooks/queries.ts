/**
 * The site's webhook secret (null until one is created), which signs its order deliveries.
 * @example await findWebhookSecret(env.DB, site.id) // 'whsec_…' or null
 */
export async function findWebhookSecret(db: D1Database, siteId: string): Promise<string | null> {
  const row = await db
    .prepare('SELECT webhook_secret FROM sites WHERE id = ?1')
    .bind(siteId)
    .first<{ webhook_secret: string | null }>()
  return row?.webhook_secret ?? null
}
