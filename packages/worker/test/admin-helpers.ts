// Helpers for the admin app's route tests (inside workerd): sessions, and requests the way a
// browser sends them (cookies, urlencoded forms, redirects not followed).
import { env, SELF } from 'cloudflare:test'
import type { Rule } from '@stammis/contract'
import { createTestSite, type TestSite } from './helpers'
import { createSession, SESSION_COOKIE } from '../src/sessions/queries'
import { hashSecretKey } from '../src/sites/keys'
import { findWorkspace } from '../src/rules/workspace-queries'

export const ORIGIN = 'https://worker.test'

export type TestSession = { cookie: string; csrf: string; token: string }

/** A signed-in session for a site, as the sign-in form would create it. */
export async function signedIn(site: TestSite, userName = 'Maria'): Promise<TestSession> {
  const started = await createSession(
    env.DB,
    site.siteId,
    userName,
    Date.now(),
    await hashSecretKey(site.secretKey),
  )
  if (!started) throw new Error("signedIn: the site's secret key is no longer valid")
  const { token, session } = started
  return { cookie: `${SESSION_COOKIE}=${token}`, csrf: session.csrfToken, token }
}

export function getPage(path: string, cookie?: string): Promise<Response> {
  return SELF.fetch(`${ORIGIN}${path}`, { headers: cookie ? { cookie } : {}, redirect: 'manual' })
}

let formCounter = 0

/**
 * POSTs a form as a browser does (application/x-www-form-urlencoded), through Cloudflare: with a
 * `CF-Connecting-IP` of its own per call, so the sign-in rate limit (per address) never mixes
 * unrelated tests; src/limits/rates.test.ts tests that limit.
 */
export function postForm(
  path: string,
  fields: Record<string, string | string[]>,
  cookie?: string,
): Promise<Response> {
  const body = new URLSearchParams()
  for (const [name, value] of Object.entries(fields))
    for (const one of [value].flat()) body.append(name, one)
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
    'cf-connecting-ip': `form-client-${++formCounter}`,
  }
  if (cookie) headers.cookie = cookie
  return SELF.fetch(`${ORIGIN}${path}`, { method: 'POST', headers, body, redirect: 'manual' })
}

/** The working copy's rules as stored, or null when nothing was saved. */
export async function savedRules(site: TestSite): Promise<Rule[] | null> {
  return (await findWorkspace(env.DB, site.siteId))?.rules ?? null
}

/** A valid editor form for a new rule; override fields per test. */
export function ruleFields(
  overrides: Record<string, string | string[]> = {},
): Record<string, string | string[]> {
  return {
    id: 'welcome-back',
    slot: 'hero',
    priority: '20',
    status: 'live',
    'when.segments': ['returning'],
    'content.type': 'text',
    'content.value': 'Welcome back!',
    holdoutPercent: '0',
    ...overrides,
  }
}

/**
 * A new site with Maria signed in to its admin: `post` sends a form with the session's CSRF token,
 * `page` gets a page's status and HTML.
 * @example const { site, post, page } = await signedInAdmin()
 */
export async function signedInAdmin() {
  const site = await createTestSite()
  const session = await signedIn(site, 'Maria')
  const post = (path: string, fields: Record<string, string | string[]> = {}) =>
    postForm(path, { _csrf: session.csrf, ...fields }, session.cookie)
  const page = async (path: string) => {
    const response = await getPage(path, session.cookie)
    return { status: response.status, html: await response.text() }
  }
  return { site, session, post, page }
}
