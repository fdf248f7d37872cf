import { env, SELF } from 'cloudflare:test'
import { generateSiteKeys, hashSecretKey } from '../src/sites/keys'
import { insertSite } from '../src/sites/queries'

export type TestSite = { siteId: string; publicKey: string; secretKey: string }

let counter = 0

/** A fresh site per test, so tests never see each other's data. */
export async function createTestSite(
  options: { origins?: string[]; currency?: string; lapseDays?: number; timeZone?: string } = {},
): Promise<TestSite> {
  const keys = generateSiteKeys()
  await insertSite(
    env.DB,
    {
      id: keys.siteId,
      name: `Test shop ${++counter}`,
      publicKey: keys.publicKey,
      secretKeyHash: await hashSecretKey(keys.secretKey),
      codeSecret: keys.codeSecret,
      allowedOrigins: options.origins ?? ['https://shop.example'],
      currency: options.currency ?? 'USD',
      lapseDays: options.lapseDays ?? 90,
      timeZone: options.timeZone ?? 'UTC',
    },
    Date.now(),
  )
  return keys
}

/** POSTs a JSON value as text/plain, the way the browser SDK sends it. */
export function postJson(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return SELF.fetch(`https://worker.test${path}`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })
}

export function adminFetch(path: string, secretKey: string | null, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers)
  if (secretKey !== null) headers.set('authorization', `Bearer ${secretKey}`)
  if (init.body) headers.set('content-type', 'application/json')
  return SELF.fetch(`https://worker.test${path}`, { ...init, headers })
}

/** Publishes through the API; rules are `unknown` because the route is what validates them. */
export async function publishRules(site: TestSite, rules: readonly unknown[]): Promise<number> {
  const response = await adminFetch('/v1/admin/rules', site.secretKey, { method: 'PUT', body: JSON.stringify({ rules }) })
  const body = (await response.json()) as { version: number }
  if (response.status !== 200) throw new Error(`publish failed: ${JSON.stringify(body)}`)
  return body.version
}

let eventCounter = 0
/** A unique event id for tests that do not care which. */
export function eventId(): string {
  return `evt-${Date.now().toString(36)}-${++eventCounter}`
}

/** Counts rows of a table for one site: used to prove that rejected requests store nothing. */
export async function countRows(table: 'visitors' | 'visits' | 'events' | 'orders' | 'exposures' | 'rulesets', siteId: string): Promise<number> {
  const row = await env.DB.prepare(`SELECT count(*) AS n FROM ${table} WHERE site_id = ?1`).bind(siteId).first<{ n: number }>()
  return row?.n ?? 0
}

export type ErrorJson = { error: { code: string; message: string } }

/** Signs in like the admin app does and returns what its requests carry. */
export async function createTestSession(site: TestSite, userName = 'Maria'): Promise<{ cookie: string; csrfToken: string; token: string }> {
  const { createSession, SESSION_COOKIE } = await import('../src/sessions/queries')
  const started = await createSession(env.DB, site.siteId, userName, Date.now(), await hashSecretKey(site.secretKey))
  if (!started) throw new Error('createTestSession: the site\'s secret key is no longer valid')
  const { token, session } = started
  return { cookie: `${SESSION_COOKIE}=${token}`, csrfToken: session.csrfToken, token }
}
