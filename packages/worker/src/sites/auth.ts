import type { MiddlewareHandler } from 'hono'
import type { AppEnv } from '../env'
import { ApiError } from '../errors'
import { digestsEqual, hashSecretKey } from './keys'
import { findSiteBySecretHash } from './queries'

/**
 * Admin routes: `Authorization: Bearer sk_...` resolves the site and stores it as `c.get('site')`.
 * @example app.use('/v1/admin/*', requireSecretKey())
 */
export function requireSecretKey(): MiddlewareHandler<AppEnv> {
  return async function requireSecretKeyMiddleware(c, next) {
    const header = c.req.header('authorization') ?? ''
    const match = /^Bearer\s+(\S+)$/i.exec(header)
    if (!match) throw new ApiError('missing_api_key', 'Send the site\'s secret key as "Authorization: Bearer sk_...".')
    const key = match[1]!
    if (key.startsWith('pk_')) {
      throw new ApiError('public_key_not_allowed', 'This is an admin route: use the secret key (sk_...), not the public key.')
    }
    const hash = await hashSecretKey(key)
    const site = await findSiteBySecretHash(c.env.DB, hash)
    // The lookup is by hash, so timing reveals nothing about the key; the explicit comparison
    // keeps that true even if the lookup ever becomes a prefix or collated match.
    if (!site || !digestsEqual(site.secretKeyHash, hash)) {
      throw new ApiError('invalid_api_key', 'This secret key is not valid for any site.')
    }
    const { secretKeyHash: _hidden, ...publicSite } = site
    c.set('site', publicSite)
    await next()
  }
}
