import type { Context, MiddlewareHandler } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import type { CookieOptions } from 'hono/utils/cookie'
import type { AppEnv } from '../../env'
import {
  findSession,
  SESSION_COOKIE,
  SESSION_TTL_MS,
  type AdminSession,
} from '../../sessions/queries'
import { constantTimeEqual } from '../../lib/crypto'
import { findSiteById } from '../../sites/queries'

/** The admin app's variables: the API's `site` and `actor`, plus the session (for its CSRF token). */
export type AdminEnv = {
  Bindings: AppEnv['Bindings']
  Variables: AppEnv['Variables'] & { session: AdminSession }
}
export type AdminContext = Context<AdminEnv>

/** The hidden form field every mutating form carries. */
export const CSRF_FIELD = '_csrf'

/**
 * HttpOnly (no script reads it), Secure (HTTPS only; browsers also accept it on http://localhost
 * and http://127.0.0.1), SameSite=Strict (never sent with a request another site starts). Path `/`
 * so the JSON admin API under /v1/admin accepts the same session.
 */
const SESSION_COOKIE_OPTIONS: CookieOptions = {
  httpOnly: true,
  secure: true,
  sameSite: 'Strict',
  path: '/',
}

/**
 * Sets the session cookie after sign-in.
 * @example setSessionCookie(c, token)
 */
export function setSessionCookie(c: Context, token: string): void {
  setCookie(c, SESSION_COOKIE, token, { ...SESSION_COOKIE_OPTIONS, maxAge: SESSION_TTL_MS / 1000 })
}

/**
 * Removes the session cookie (sign-out, expired session).
 * @example clearSessionCookie(c)
 */
export function clearSessionCookie(c: Context): void {
  deleteCookie(c, SESSION_COOKIE, SESSION_COOKIE_OPTIONS)
}

/**
 * Every admin page after sign-in: a live session or a redirect to the sign-in page, and on every
 * POST the session's CSRF token in the form, or 403 with nothing changed. Sets `site`, `actor`
 * and `session`.
 * @example adminRoutes.use('*', requireSession())
 */
export function requireSession(): MiddlewareHandler<AdminEnv> {
  return async function requireSessionMiddleware(c, next) {
    const token = getCookie(c, SESSION_COOKIE)
    const session = token ? await findSession(c.env.DB, token, Date.now()) : null
    const site = session ? await findSiteById(c.env.DB, session.siteId) : null
    if (!session || !site) {
      if (token) clearSessionCookie(c)
      // 303 so a POST with an expired session becomes a GET of the sign-in page.
      return c.redirect(token ? '/admin/sign-in?expired=1' : '/admin/sign-in', 303)
    }
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') {
      const form = await c.req.formData().catch(() => null)
      const sent = form?.get(CSRF_FIELD)
      if (typeof sent !== 'string' || !constantTimeEqual(sent, session.csrfToken)) {
        return c.html(csrfRefusedPage(), 403)
      }
    }
    c.set('session', session)
    c.set('site', site)
    c.set('actor', session.userName)
    await next()
  }
}

/** Plain HTML on purpose: it needs no session, and says the one thing to do. */
function csrfRefusedPage(): string {
  return `<!doctype html><meta charset="utf-8"><title>Form expired · Stammis</title>
<p>This form was refused because its security token is missing or out of date, so nothing was changed.
<a href="/admin">Reload the admin</a> and try again.</p>`
}

/**
 * The admin's security headers: no framing, no caching of signed-in pages, no referrer (preview
 * tokens live in URLs), and a CSP that only runs the admin's own script.
 * @example adminRoutes.use('*', adminHeaders())
 */
export function adminHeaders(): MiddlewareHandler<AdminEnv> {
  return async function adminHeadersMiddleware(c, next) {
    await next()
    c.header(
      'Content-Security-Policy',
      // The HTML preview iframe (srcdoc, sandboxed) inherits this policy: images from anywhere so
      // the preview looks like the shop, no scripts.
      "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src * data:; " +
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    )
    c.header('X-Frame-Options', 'DENY')
    c.header('Referrer-Policy', 'no-referrer')
    c.header('X-Content-Type-Options', 'nosniff')
    if (!c.res.headers.has('Cache-Control')) c.header('Cache-Control', 'no-store')
  }
}
