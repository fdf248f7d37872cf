/**
 * A site's retention: days after which raw events are deleted, or null to keep them forever.
 * @example await findRetentionDays(env.DB, site.id) // 395
 */
export async function findRetentionDays(db: D1Database, siteId: string): Promise<number | null> {
  const row = await db
    .prepare('SELECT retention_days FROM sites WHERE id = ?1')
    .bind(siteId)
    .first<{ retention_days: number | null }>()
  return row?.retention_days ?? null
}

/** @example await updateRetentionDays(env.DB, site.id, 730) */
export async function updateRetentionDays(
  db: D1Database,
  siteId: string,
  retentionDays: number | null,
): Promise<void> {
  await db
    .prepare('UPDATE sites SET retention_days = ?2 WHERE id = ?1')
    .bind(siteId, retentionDays)
    .run()
}
