import { createExecutionContext, env, SELF, waitOnExecutionContext } from 'cloudflare:test'
import worker from '../src/index'
import { generateSiteKeys, hashSecretKey } from '../src/sites/keys'
import { forgetSite } from '../src/sites/directory'
import { insertSite } from '../src/sites/queries'
import { ledgerFor, ledgerRows } from './ledger'

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
export function postJson(
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  return SELF.fetch(`https://worker.test${path}`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })
}

export function adminFetch(
  path: string,
  secretKey: string | null,
  init: RequestInit = {},
): Promise<Response> {
  const headers = new Headers(init.headers)
  if (secretKey !== null) headers.set('authorization', `Bearer ${secretKey}`)
  if (init.body) headers.set('content-type', 'application/json')
  return SELF.fetch(`https://worker.test${path}`, { ...init, headers })
}

/** Publishes through the API; rules are `unknown` because the route is what validates them. */
export async function publishRules(site: TestSite, rules: readonly unknown[]): Promise<number> {
  const response = await adminFetch('/v1/admin/rules', site.secretKey, {
    method: 'PUT',
    body: JSON.stringify({ rules }),
  })
  const body = (await response.json()) as { version: number }
  if (response.status !== 200) throw new Error(`publish failed: ${JSON.stringify(body)}`)
  return body.version
}

let eventCounter = 0
/** A unique event id for tests that do not care which. */
export function eventId(): string {
  return `evt-${Date.now().toString(36)}-${++eventCounter}`
}

/**
 * Counts rows of a table for one site: used to prove that rejected requests store nothing.
 * History tables are counted in the site's ledger (its Durable Object), `rulesets` in D1.
 */
export async function countRows(
  table: 'visitors' | 'visits' | 'events' | 'orders' | 'exposures' | 'rulesets',
  siteId: string,
): Promise<number> {
  if (table !== 'rulesets') {
    const [row] = await ledgerRows<{ n: number }>(
      ledgerFor(siteId),
      `SELECT count(*) AS n FROM ${table}`,
    )
    return row?.n ?? 0
  }
  const row = await env.DB.prepare('SELECT count(*) AS n FROM rulesets WHERE site_id = ?1')
    .bind(siteId)
    .first<{ n: number }>()
  return row?.n ?? 0
}

/**
 * Makes this isolate read a site's settings from D1 again, after a test changed them there
 * directly (the worker's own settings routes do this themselves; other isolates follow within
 * `SITE_ENTRY_MAX_AGE_MS`).
 */
export function forgetSiteSettings(siteId: string): void {
  forgetSite(siteId)
}

export type ErrorJson = { error: { code: string; message: string } }

/** Signs in like the admin app does and returns what its requests carry. */
export async function createTestSession(
  site: TestSite,
  userName = 'Maria',
): Promise<{ cookie: string; csrfToken: string; token: string }> {
  const { createSession, SESSION_COOKIE } = await import('../src/sessions/queries')
  const started = await createSession(
    env.DB,
    site.siteId,
    userName,
    Date.now(),
    await hashSecretKey(site.secretKey),
  )
  if (!started) throw new Error("createTestSession: the site's secret key is no longer valid")
  const { token, session } = started
  return { cookie: `${SESSION_COOKIE}=${token}`, csrfToken: session.csrfToken, token }
}

/**
 * Sends one request straight to the worker's fetch handler in this isolate, with the real bindings
 * (D1, KV, rate limiters), and waits for its `waitUntil` work. For tests that send hundreds of
 * requests: `SELF.fetch` gets slower with every request a test file makes (about 1 ms each at
 * first, 50 ms after a few hundred), this path does not.
 * @example const response = await callWorker('/v1/decide', { body: JSON.stringify(request) })
 */
export async function callWorker(path: string, init: RequestInit = {}): Promise<Response> {
  const ctx = createExecutionContext()
  const request = new Request(`https://worker.test${path}`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain' },
    ...init,
  })
  const response = await worker.fetch(
    request as Request<unknown, IncomingRequestCfProperties>,
    env,
    ctx,
  )
  // Read the body before waiting, as a client would; the copy keeps it readable for the caller.
  const copy = new Response(await response.arrayBuffer(), response)
  await waitOnExecutionContext(ctx)
  return copy
}

/**
 * Local rate limiters (miniflare) count in windows aligned to the clock (every 10 or 60 s). A test
 * that must see its requests land in one window waits here for a fresh one when the current
 * window has less than `neededMs` left. Cloudflare's own limiter is not aligned this way; this is
 * about making the local one deterministic.
 * @example await waitForWindowRoom(10, 4000)
 */
export async function waitForWindowRoom(periodSeconds: number, neededMs: number): Promise<void> {
  const periodMs = periodSeconds * 1000
  const left = periodMs - (Date.now() % periodMs)
  if (left < neededMs) await new Promise((done) => setTimeout(done, left + 50))
}

/**
 * Creates the site's identity secret through the admin API, as a shop owner does once.
 * @example const secret = await createIdentitySecret(site)
 */
export async function createIdentitySecret(site: TestSite): Promise<string> {
  const response = await adminFetch('/v1/admin/site/identity-secret', site.secretKey, {
    method: 'POST',
  })
  const body = (await response.json()) as { identitySecret: string }
  if (response.status !== 200) throw new Error(`identity secret failed: ${JSON.stringify(body)}`)
  return body.identitySecret
}

/**
 * Signs a customer id the way a shop's server does (written here from the spec, not with the
 * worker's code): HMAC-SHA256 keyed with the identity secret, over the id, as lowercase hex.
 * @example await signCustomerId(secret, 'cust-42') // '5d1f…'
 */
export async function signCustomerId(identitySecret: string, customerId: string): Promise<string> {
  return hmacSha256HexFromSpec(identitySecret, customerId)
}

/**
 * Signs an order webhook delivery the way a shop's server does (written here from the README, not
 * with the worker's code): `v1=` and the HMAC-SHA256, keyed with the webhook secret, of
 * `<timestamp>.<raw body>` as lowercase hex.
 * @example headers['stammis-signature'] = await signWebhookDelivery(secret, timestamp, body)
 */
export async function signWebhookDelivery(
  webhookSecret: string,
  timestamp: number,
  rawBody: string,
): Promise<string> {
  return `v1=${await hmacSha256HexFromSpec(webhookSecret, `${timestamp}.${rawBody}`)}`
}

async function hmacSha256HexFromSpec(secret: string, message: string): Promise<string> {
  const key = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  )
  const mac = new Uint8Array(
    await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(message)),
  )
  return Array.from(mac, (byte) => byte.toString(16).padStart(2, '0')).join('')
}

/**
 * A signed identify for a site: creates its identity secret on first use, then returns identify
 * events signed like a shop's server would sign them.
 * @example const signedIdentify = identitySigner(site); events.push(await signedIdentify('cust-1'))
 */
export function identitySigner(
  site: TestSite,
): (customerId: string) => Promise<{ type: 'identify'; customerId: string; signature: string }> {
  let secret: Promise<string> | undefined
  return async (customerId) => {
    secret ??= createIdentitySecret(site)
    return {
      type: 'identify',
      customerId,
      signature: await signCustomerId(await secret, customerId),
    }
  }
}

/**
 * Waits until `check` returns a value that is neither undefined nor false (polling every 100 ms),
 * or throws after `timeoutMs`: for work done after the response (waitUntil) or by the real queue.
 * @example const received = await eventually(async () => (await receivedBy(name))[0])
 * @example await eventually(async () => (await countRows('exposures', siteId)) === 2)
 */
export async function eventually<T>(
  check: () => Promise<T | undefined | false>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value !== undefined && value !== false) return value
    if (Date.now() > deadline) throw new Error(`eventually: nothing after ${timeoutMs} ms`)
    await new Promise((done) => setTimeout(done, 100))
  }
}
