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
 * turning `trustBrowserPurchases` off (the settings update bumps in its own statement). Answers
 * the new epoch (null: no such site). Call it after the change has been stored, never before: every
 * token issued under the new epoch must come from the state after the change.
 * @example const epoch = await bumpProfileEpoch(env.DB, site.id)
 */
export async function bumpProfileEpoch(db: D1Database, siteId: string): Promise<number | null> {
  const row = await bumpProfileEpochStatement(db, siteId).first<{ profile_epoch: number }>()
  forgetSite(siteId)
  return row?.profile_epoch ?? null
}
