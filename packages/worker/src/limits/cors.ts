import type { Context, MiddlewareHandler } from 'hono'
import type { AppEnv } from '../env'
import { ApiError } from '../errors'
import { isOriginAllowed } from './origins'

/**
 * CORS for the browser routes. A preflight cannot name its site (it has no body), so it is
 * answered for any origin; the real request is then checked against the site's allowed origins
 * by `assertOriginAllowed`. The SDK sends text/plain bodies, which need no preflight at all.
 */
export function browserCors(): MiddlewareHandler<AppEnv> {
  return async function browserCorsMiddleware(c, next) {
    const origin = c.req.header('origin')
    if (c.req.method === 'OPTIONS') {
      return new Response(null, {
        status: 204,
        headers: {
          'Access-Control-Allow-Origin': origin ?? '*',
          'Access-Control-Allow-Methods': 'POST, OPTIONS',
          'Access-Control-Allow-Headers': 'Content-Type',
          'Access-Control-Max-Age': '86400',
          Vary: 'Origin',
        },
      })
    }
    await next()
    c.header('Vary', 'Origin')
    c.header('Cache-Control', 'no-store')
  }
}

/**
 * Refuses a browser request whose Origin the site has not allowed (403), and otherwise marks the
 * response readable by that origin. Requests without an Origin (servers, curl) pass: the public
 * key is public, so the origin list guards against other sites' pages, not against scripts.
 */
export function assertOriginAllowed(c: Context, site: { allowedOrigins: string[] }): void {
  const origin = c.req.header('origin')
  if (!origin) return
  if (!isOriginAllowed(site.allowedOrigins, origin.toLowerCase())) {
    throw new ApiError(
      'origin_not_allowed',
      `Origin ${origin} is not allowed for this site; add it to the site's allowed origins.`,
    )
  }
  c.header('Access-Control-Allow-Origin', origin)
}
