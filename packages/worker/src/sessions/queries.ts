import { hashSecretKey } from '../sites/keys'

export const SESSION_COOKIE = 'stammis_session'
/** Sessions last a working day; signing in again is cheap, a stolen cookie ages out. */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000

export type AdminSession = { siteId: string; userName: string; csrfToken: string; expiresAt: number }

function randomToken(bytes = 32): string {
  const buffer = crypto.getRandomValues(new Uint8Array(bytes))
  return btoa(String.fromCharCode(...buffer)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

/**
 * Starts a session for a signed-in user. Only a hash of the token is stored, so a database leak
 * does not hand out sessions.
 * @example const { token, session } = await createSession(env.DB, site.id, 'Maria', Date.now())
 */
export async function createSession(
  db: D1Database,
  siteId: string,
  userName: string,
  now: number,
): Promise<{ token: string; session: AdminSession }> {
  const token = randomToken()
  const session: AdminSession = { siteId, userName, csrfToken: randomToken(24), expiresAt: now + SESSION_TTL_MS }
  await db
    .prepare('INSERT INTO admin_sessions (token_hash, site_id, user_name, csrf_token, created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)')
    .bind(await hashSecretKey(token), siteId, userName, session.csrfToken, now, session.expiresAt)
    .run()
  return { token, session }
}

/** The live session for a cookie token, or null when unknown or expired. */
export async function findSession(db: D1Database, token: string, now: number): Promise<AdminSession | null> {
  const row = await db
    .prepare('SELECT site_id, user_name, csrf_token, expires_at FROM admin_sessions WHERE token_hash = ?1')
    .bind(await hashSecretKey(token))
    .first<{ site_id: string; user_name: string; csrf_token: string; expires_at: number }>()
  if (!row || row.expires_at <= now) return null
  return { siteId: row.site_id, userName: row.user_name, csrfToken: row.csrf_token, expiresAt: row.expires_at }
}

export async function deleteSession(db: D1Database, token: string): Promise<void> {
  await db.prepare('DELETE FROM admin_sessions WHERE token_hash = ?1').bind(await hashSecretKey(token)).run()
}

/** Test helper and housekeeping: makes a session expire now. */
export async function expireSession(db: D1Database, token: string, now: number): Promise<void> {
  await db.prepare('UPDATE admin_sessions SET expires_at = ?2 WHERE token_hash = ?1').bind(await hashSecretKey(token), now).run()
}
