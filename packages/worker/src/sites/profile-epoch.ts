import { forgetSite } from './directory'

/**
 * The statement that adds one to a site's profile epoch: every profile token issued before it is
 * refused from then on (in this isolate at once, elsewhere within `SITE_ENTRY_MAX_AGE_MS`). Put it
 * in the same `db.batch` as the change that lowers entitlements when there is one, so neither
 * lands without the other; then call `forgetSite(siteId)`. Its one row is the new epoch.
 * @example await db.batch([eraseStatement, bumpProfileEpochStatement(db, site.id)])
 */
export function bumpProfileEpochStatement(db: D1Database, siteId: string): D1PreparedStatement {
  return db
    .prepare(
      'UPDATE sites SET profile_epoch = profile_epoch + 1 WHERE id = ?1 RETURNING profile_epoch',
    )
    .bind(siteId)
}

/**
 * Bumps a site's profile epoch and forgets this isolate's entry for it. Called after anything that
 * can lower what a visitor is entitled to: an erase (visitor or customer), a server correction of
 * a browser's order, an identity split (a shared computer switching customers), a key rotation,
 * turning `trustBrowserPurchases` off (the settings update bumps in its own statement).
 * @example await bumpProfileEpoch(env.DB, site.id)
 */
export async function bumpProfileEpoch(db: D1Database, siteId: string): Promise<void> {
  await bumpProfileEpochStatement(db, siteId).run()
  forgetSite(siteId)
}

/**
 * The same as SQL text, for the CLI (`wrangler d1 execute`); `siteId` was read back from the
 * database, so inlining it is safe.
 * @example bumpProfileEpochSql('site_abc')
 */
export function bumpProfileEpochSql(siteId: string): string {
  return `UPDATE sites SET profile_epoch = profile_epoch + 1 WHERE id = '${siteId.replaceAll("'", "''")}';`
}
