import { randomBase64url, sha256Hex } from '../lib/crypto'
import { HOUR_MS } from '../lib/days'

export const SESSION_COOKIE = 'stammis_session'
/** Sessions last a working day; signing in again is cheap, a stolen cookie ages out. */
export const SESSION_TTL_MS = 12 * HOUR_MS

export type AdminSession = {
  siteId: string
  userName: string
  csrfToken: string
  expiresAt: number
}

/**
 * Starts a session for a user who signed in with the secret key whose hash is `secretKeyHash`.
 * Only a hash of the token is stored, so a database leak does not hand out sessions. The insert
 * happens only if that key is still the site's: a rotation that lands between the key check and
 * this insert cannot leave a session of the old key behind. Null when the key was rotated away.
 * @example const started = await createSession(env.DB, site.id, 'Maria', Date.now(), await hashSecretKey(key))
 */
export async function createSession(
  db: D1Database,
  siteId: string,
  userName: string,
  now: number,
  secretKeyHash: string,
): Promise<{ token: string; session: AdminSession } | null> {
  const token = randomBase64url(32)
  const session: AdminSession = {
    siteId,
    userName,
    csrfToken: randomBase64url(24),
    expiresAt: now + SESSION_TTL_MS,
  }
  const result = await db
    .prepare(
      `INSERT INTO admin_sessions (token_hash, site_id, user_name, csrf_token, created_at, expires_at)
       SELECT ?1, ?2, ?3, ?4, ?5, ?6 WHERE EXISTS (SELECT 1 FROM sites WHERE id = ?2 AND secret_key_hash = ?7)`,
    )
    .bind(
      await sha256Hex(token),
      siteId,
      userName,
      session.csrfToken,
      now,
      session.expiresAt,
      secretKeyHash,
    )
    .run()
  return result.meta.changes === 1 ? { token, session } : null
}

/**
 * Ends every session of a site at once: part of the secret-key rotation's transaction.
 * @example await db.batch([updateKeyStatement, deleteSiteSessionsStatement(db, site.id)])
 */
export function deleteSiteSessionsStatement(db: D1Database, siteId: string): D1PreparedStatement {
  return db.prepare('DELETE FROM admin_sessions WHERE site_id = ?1').bind(siteId)
}

/**
 * The same as SQL text with the value inlined, for the CLI (`wrangler d1 execute` takes no bound
 * parameters). The site id is one the CLI read back from the database.
 * @example deleteSiteSessionsSql('site_abc') // "DELETE FROM admin_sessions WHERE site_id = 'site_abc';"
 */
export function deleteSiteSessionsSql(siteId: string): string {
  return `DELETE FROM admin_sessions WHERE site_id = '${siteId.replaceAll("'", "''")}';`
}

/**
 * Housekeeping for the daily purge: deletes sessions that expired before `now` (they already
 * authorise nothing; this only stops the table from growing).
 * @example const deleted = await deleteExpiredSessions(env.DB, Date.now())
 */
export async function deleteExpiredSessions(db: D1Database, now: number): Promise<number> {
  const result = await db
    .prepare('DELETE FROM admin_sessions WHERE expires_at <= ?1')
    .bind(now)
    .run()
  return result.meta.changes
}

/** The live session for a cookie token, or null when unknown or expired. */
export async function findSession(
  db: D1Database,
  token: string,
  now: number,
): Promise<AdminSession | null> {
  const row = await db
    .prepare(
      'SELECT site_id, user_name, csrf_token, expires_at FROM admin_sessions WHERE token_hash = ?1',
    )
    .bind(await sha256Hex(token))
    .first<{ site_id: string; user_name: string; csrf_token: string; expires_at: number }>()
  if (!row || row.expires_at <= now) return null
  return {
    siteId: row.site_id,
    userName: row.user_name,
    csrfToken: row.csrf_token,
    expiresAt: row.expires_at,
  }
}

export async function deleteSession(db: D1Database, token: string): Promise<void> {
  await db
    .prepare('DELETE FROM admin_sessions WHERE token_hash = ?1')
    .bind(await sha256Hex(token))
    .run()
}

/** Test helper and housekeeping: makes a session expire now. */
export async function expireSession(db: D1Database, token: string, now: number): Promise<void> {
  await db
    .prepare('UPDATE admin_sessions SET expires_at = ?2 WHERE token_hash = ?1')
    .bind(await sha256Hex(token), now)
    .run()
}
