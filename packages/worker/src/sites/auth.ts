import type { Context, MiddlewareHandler } from 'hono'
import { getCookie } from 'hono/cookie'
import type { AppEnv } from '../env'
import { ApiError } from '../errors'
import { findSession, SESSION_COOKIE } from '../sessions/queries'
import { constantTimeEqual } from '../lib/crypto'
import { hashSecretKey } from './keys'
import { findSiteById, findSiteBySecretHash } from './queries'
import type { Site } from './site'

const SAFE_METHODS = ['GET', 'HEAD', 'OPTIONS']

/**
 * Admin API: either `Authorization: Bearer sk_...` (servers, the CLI) or the admin app's session
 * cookie, which must come with the session's CSRF token in `X-CSRF-Token` on every mutating call.
 * Stores the site as `c.get('site')` and who is acting as `c.get('actor')`.
 * @example app.use('/v1/admin/*', requireAdmin())
 */
export function requireAdmin(): MiddlewareHandler<AppEnv> {
  return async function requireAdminMiddleware(c, next) {
    const header = c.req.header('authorization')
    if (header) {
      const site = await siteFromSecretKey(c.env.DB, header)
      c.set('site', site)
      c.set('actor', c.req.header('x-stammis-user')?.slice(0, 100) || 'api key')
      return next()
    }
    const token = getCookie(c, SESSION_COOKIE)
    if (!token)
      throw new ApiError(
        'missing_api_key',
        'Send the site\'s secret key as "Authorization: Bearer sk_...".',
      )
    const session = await findSession(c.env.DB, token, Date.now())
    if (!session) throw new ApiError('session_expired', 'Your session has expired; sign in again.')
    if (
      !SAFE_METHODS.includes(c.req.method) &&
      !constantTimeEqual(c.req.header('x-csrf-token') ?? '', session.csrfToken)
    ) {
      throw new ApiError(
        'csrf_token_invalid',
        'Missing or wrong CSRF token; reload the page and try again.',
      )
    }
    const site = await findSiteById(c.env.DB, session.siteId)
    if (!site)
      throw new ApiError(
        'session_expired',
        'The site of this session no longer exists; sign in again.',
      )
    c.set('site', site)
    c.set('actor', session.userName)
    return next()
  }
}

/**
 * Resolves `Bearer sk_...` to its site, or throws the fitting 401/403.
 * @example const site = await siteFromSecretKey(env.DB, 'Bearer sk_demo')
 */
export async function siteFromSecretKey(db: D1Database, authorization: string): Promise<Site> {
  const match = /^Bearer\s+(\S+)$/i.exec(authorization)
  if (!match)
    throw new ApiError(
      'missing_api_key',
      'Send the site\'s secret key as "Authorization: Bearer sk_...".',
    )
  return siteFromKey(db, match[1]!)
}

/** Resolves a raw secret key (as typed into the sign-in form) to its site. */
export async function siteFromKey(db: D1Database, key: string): Promise<Site> {
  if (key.startsWith('pk_')) {
    throw new ApiError(
      'public_key_not_allowed',
      'This needs the secret key (sk_...), not the public key.',
    )
  }
  const hash = await hashSecretKey(key)
  const site = await findSiteBySecretHash(db, hash)
  // The lookup is by hash, so timing reveals nothing about the key; the explicit comparison
  // keeps that true even if the lookup ever becomes a prefix or collated match.
  if (!site || !constantTimeEqual(site.secretKeyHash, hash)) {
    throw new ApiError('invalid_api_key', 'This secret key is not valid for any site.')
  }
  const { secretKeyHash: _hidden, ...publicSite } = site
  return publicSite
}

export type AdminContext = Context<AppEnv>
