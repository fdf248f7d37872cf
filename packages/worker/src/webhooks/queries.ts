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

/**
 * Remembers an accepted delivery by its signature, in one transaction that also forgets the
 * deliveries received before `forgetBefore` (too old to be replayed: their timestamps are refused
 * anyway). False when the signature was already remembered: the delivery is a replay.
 * @example if (!(await rememberDelivery(env.DB, site.id, signature, now, now - 2 * WEBHOOK_TOLERANCE_MS))) throw replayed
 */
export async function rememberDelivery(
  db: D1Database,
  siteId: string,
  signature: string,
  now: number,
  forgetBefore: number,
): Promise<boolean> {
  const [, remembered] = await db.batch([
    db
      .prepare('DELETE FROM webhook_deliveries WHERE site_id = ?1 AND received_at < ?2')
      .bind(siteId, forgetBefore),
    db
      .prepare(
        'INSERT OR IGNORE INTO webhook_deliveries (site_id, signature, received_at) VALUES (?1, ?2, ?3)',
      )
      .bind(siteId, signature, now),
  ])
  return remembered!.meta.changes === 1
}
