import { Hono } from 'hono'
import { getCookie, setCookie } from 'hono/cookie'
import { ApiError } from '../../errors'
import { readBytes } from '../../http/body'
import { overRateLimit, RATE_LIMITS } from '../../limits/rates'
import { createSession, deleteSession, findSession, SESSION_COOKIE } from '../../sessions/queries'
import { constantTimeEqual, randomHex } from '../../lib/crypto'
import { hashSecretKey } from '../../sites/keys'
import { siteFromKey } from '../../sites/auth'
import { Layout } from './layout'
import {
  clearSessionCookie,
  CSRF_FIELD,
  setSessionCookie,
  type AdminContext,
  type AdminEnv,
} from './session'

/**
 * The sign-in form has no session to take a CSRF token from, so it uses a double-submit token: a
 * short-lived cookie and the same value in the form. Another site can make a browser post the
 * form, but cannot read or set the cookie, so it cannot sign anyone in to its own account.
 */
const SIGN_IN_COOKIE = 'stammis_sign_in'
const MAX_NAME = 100
/**
 * The form holds a token, a name of at most 100 characters and a key: under 2 KB even
 * percent-encoded or as multipart. A bigger body is refused after reading at most this much.
 */
export const SIGN_IN_MAX_BODY_BYTES = 8 * 1024

function newToken(): string {
  return randomHex(18)
}

function SignInPage(props: {
  token: string
  name: string
  error: string | null
  notice: string | null
}) {
  return (
    <Layout title="Sign in" page="sign-in" notice={props.notice}>
      <div class="signin card">
        <h1>Sign in to Stammis</h1>
        <p class="muted small">
          Use your shop's secret key (it starts with <code>sk_</code>). Your name is shown in the
          version history next to everything you publish.
        </p>
        {props.error ? (
          <div class="errors" role="alert">
            {props.error}
          </div>
        ) : null}
        <form method="post" action="/admin/sign-in" novalidate>
          <input type="hidden" name={CSRF_FIELD} value={props.token} />
          <div class="field">
            <label for="name">Your name</label>
            <input
              type="text"
              id="name"
              name="name"
              value={props.name}
              autocomplete="name"
              maxlength={MAX_NAME}
            />
          </div>
          <div class="field">
            <label for="key">Secret key</label>
            <input type="password" id="key" name="key" autocomplete="current-password" />
          </div>
          <button type="submit" class="primary">
            Sign in
          </button>
        </form>
      </div>
    </Layout>
  )
}

function renderSignIn(
  c: AdminContext,
  options: {
    name?: string
    error?: string | null
    notice?: string | null
    status?: 200 | 400 | 401 | 403 | 413 | 429
  },
) {
  const token = newToken()
  setCookie(c, SIGN_IN_COOKIE, token, {
    httpOnly: true,
    secure: true,
    sameSite: 'Strict',
    path: '/admin',
    maxAge: 3600,
  })
  return c.html(
    <SignInPage
      token={token}
      name={options.name ?? ''}
      error={options.error ?? null}
      notice={options.notice ?? null}
    />,
    options.status ?? 200,
  )
}

/**
 * `GET/POST /admin/sign-in`: the secret key and the user's name start a session.
 * @example adminRoutes.route('/', signInRoutes)
 */
export const signInRoutes = new Hono<AdminEnv>()
  .get('/sign-in', async (c) => {
    const token = getCookie(c, SESSION_COOKIE)
    if (token && (await findSession(c.env.DB, token, Date.now()))) return c.redirect('/admin', 303)
    const expired = c.req.query('expired') === '1'
    return renderSignIn(c, {
      notice: expired ? 'Your session has expired. Please sign in again.' : null,
    })
  })
  .post('/sign-in', async (c) => {
    // Brute force: every attempt from one address counts, before the form is even read. Cloudflare
    // sets CF-Connecting-IP on every request it forwards; it is the limiter's key, never stored.
    const address = c.req.header('cf-connecting-ip') ?? 'unknown'
    if (await overRateLimit(c.env, [{ limit: 'signIn', key: address }])) {
      const { limit, periodSeconds } = RATE_LIMITS.signIn
      c.header('Retry-After', String(periodSeconds))
      return renderSignIn(c, {
        error: `Too many sign-in attempts from your address (at most ${limit} a minute). Wait a minute and try again.`,
        status: 429,
      })
    }
    const form = await readSignInForm(c.req.raw)
    if (form === 'too_large')
      return renderSignIn(c, { error: 'The form was too large. Please try again.', status: 413 })
    const field = (name: string) => {
      const value = form.get(name)
      return typeof value === 'string' ? value.trim() : ''
    }
    const name = field('name').slice(0, MAX_NAME)
    const expected = getCookie(c, SIGN_IN_COOKIE) ?? ''
    if (!expected || !constantTimeEqual(field(CSRF_FIELD), expected)) {
      return renderSignIn(c, {
        name,
        error: 'The sign-in form expired. Please try again.',
        status: 403,
      })
    }
    if (!name)
      return renderSignIn(c, {
        error: 'Enter your name: it goes into the version history.',
        status: 400,
      })
    const key = field('key')
    if (!key) return renderSignIn(c, { name, error: 'Enter the secret key.', status: 400 })
    try {
      const site = await siteFromKey(c.env.DB, key)
      const started = await createSession(
        c.env.DB,
        site.id,
        name,
        Date.now(),
        await hashSecretKey(key),
      )
      // The key was rotated between the check above and the insert: it no longer signs anyone in.
      if (!started)
        throw new ApiError('invalid_api_key', 'This secret key is not valid for any site.')
      setSessionCookie(c, started.token)
      return c.redirect('/admin', 303)
    } catch (error) {
      if (!(error instanceof ApiError)) throw error
      return renderSignIn(c, {
        name,
        error: error.message,
        status: error.status === 403 ? 403 : 401,
      })
    }
  })

/**
 * The posted form, read up to `SIGN_IN_MAX_BODY_BYTES` and no further (a public URL must not
 * read whatever a client streams); an unreadable form is an empty one.
 */
async function readSignInForm(request: Request): Promise<FormData | 'too_large'> {
  let bytes: Uint8Array
  try {
    bytes = await readBytes(request, SIGN_IN_MAX_BODY_BYTES)
  } catch (error) {
    if (error instanceof ApiError && error.code === 'payload_too_large') return 'too_large'
    throw error
  }
  const contentType = request.headers.get('content-type') ?? ''
  return new Response(bytes, { headers: { 'content-type': contentType } })
    .formData()
    .catch(() => new FormData())
}

/**
 * `POST /admin/sign-out` (behind the session check, so it needs the CSRF token too).
 * @example adminRoutes.route('/', signOutRoutes)
 */
export const signOutRoutes = new Hono<AdminEnv>().post('/sign-out', async (c) => {
  const token = getCookie(c, SESSION_COOKIE)
  if (token) await deleteSession(c.env.DB, token)
  clearSessionCookie(c)
  return c.redirect('/admin/sign-in', 303)
})
