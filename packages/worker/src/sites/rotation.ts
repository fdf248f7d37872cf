import type { PublicKeyRotation, SecretKeyRotation } from '@stammis/contract'
import { deleteSiteSessionsStatement } from '../sessions/queries'
import { DAY_MS } from '../lib/days'
import { generatePublicKey, generateSecretKey, hashSecretKey } from './keys'
import { bumpProfileEpochStatement } from './profile-epoch'
import { forgetSite } from './directory'

/**
 * How long a replaced public key keeps working. Pages carry the key in their script tag, and
 * full-page caches (CDNs, shop platforms' page caches, browsers' back/forward caches, pages saved
 * offline) keep serving the old HTML for hours to days; most purge weekly at the latest. A week
 * keeps those pages tracking and personalizing, while a key that leaked on purpose still dies
 * soon. The public key can only add events and ask for decisions, so a week of overlap risks little.
 */
export const PUBLIC_KEY_GRACE_DAYS = 7
export const PUBLIC_KEY_GRACE_MS = PUBLIC_KEY_GRACE_DAYS * DAY_MS

/**
 * Replaces a site's secret key and ends every admin session of the site, in one transaction: from
 * the moment it commits, the old key and every session (a stolen cookie included) get 401.
 * Unique offer codes and preview links are keyed by the site's separate code secret, so codes
 * already handed out keep working; preview links still expire on their own.
 * @example const { secretKey } = await rotateSecretKey(env.DB, site.id)
 */
export async function rotateSecretKey(db: D1Database, siteId: string): Promise<SecretKeyRotation> {
  const secretKey = generateSecretKey()
  const [, ended] = await db.batch([
    db
      .prepare('UPDATE sites SET secret_key_hash = ?2 WHERE id = ?1')
      .bind(siteId, await hashSecretKey(secretKey)),
    deleteSiteSessionsStatement(db, siteId),
    // A rotation says a key may have leaked: every profile token issued before it goes too.
    bumpProfileEpochStatement(db, siteId),
  ])
  forgetSite(siteId)
  return { secretKey, sessionsEnded: ended!.meta.changes }
}

/**
 * The same as SQL text, for the CLI (`wrangler d1 execute` takes no bound parameters). `siteId`
 * was read back from the database and `secretKeyHash` is hex, so inlining them is safe.
 * @example rotateSecretKeySql('site_abc', await hashSecretKey(newKey))
 */
export function rotateSecretKeySql(siteId: string, secretKeyHash: string): string {
  return `UPDATE sites SET secret_key_hash = ${literal(secretKeyHash)}, profile_epoch = profile_epoch + 1 WHERE id = ${literal(siteId)};`
}

/**
 * Gives a site a new public key; the current one becomes the previous key and keeps working for
 * `PUBLIC_KEY_GRACE_DAYS`. Only one previous key is kept: rotating again within the grace period
 * ends the older key at once. Null when there is no such site.
 * @example const { publicKey, previousKeyValidUntil } = (await rotatePublicKey(env.DB, site.id, Date.now()))!
 */
export async function rotatePublicKey(
  db: D1Database,
  siteId: string,
  now: number,
): Promise<PublicKeyRotation | null> {
  const publicKey = generatePublicKey()
  const validUntil = now + PUBLIC_KEY_GRACE_MS
  // In an UPDATE, every right-hand side reads the row as it was: previous_public_key gets the old key.
  const row = await db
    .prepare(
      `UPDATE sites SET previous_public_key = public_key, previous_public_key_expires_at = ?3, public_key = ?2,
         profile_epoch = profile_epoch + 1
       WHERE id = ?1 RETURNING previous_public_key`,
    )
    .bind(siteId, publicKey, validUntil)
    .first<{ previous_public_key: string }>()
  if (!row) return null
  forgetSite(siteId)
  return {
    publicKey,
    previousPublicKey: row.previous_public_key,
    previousKeyValidUntil: new Date(validUntil).toISOString(),
  }
}

/**
 * `rotatePublicKey` as SQL text for the CLI, answering the new and previous keys.
 * @example rotatePublicKeySql('site_abc', generatePublicKey(), Date.now())
 */
export function rotatePublicKeySql(siteId: string, publicKey: string, now: number): string {
  return (
    `UPDATE sites SET previous_public_key = public_key, previous_public_key_expires_at = ${now + PUBLIC_KEY_GRACE_MS}, ` +
    `public_key = ${literal(publicKey)}, profile_epoch = profile_epoch + 1 WHERE id = ${literal(siteId)} RETURNING public_key, previous_public_key, previous_public_key_expires_at;`
  )
}

function literal(value: string): string {
  return `'${value.replaceAll("'", "''")}'`
}
