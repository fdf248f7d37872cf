import { env, SELF } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { expireSession } from '../sessions/queries'
import {
  countRows,
  createTestSession,
  createTestSite,
  type ErrorJson,
  type TestSite,
} from '../../test/helpers'
import { hashSecretKey } from './keys'

/** Every admin route, with a body valid enough to pass validation when the caller is allowed. */
const ROUTES: [method: string, path: string, body?: unknown][] = [
  ['GET', '/v1/admin/rules'],
  ['PUT', '/v1/admin/rules', { rules: [] }],
  ['POST', '/v1/admin/rules/check', { rules: [] }],
  ['GET', '/v1/admin/rules/versions'],
  ['GET', '/v1/admin/rules/versions/1'],
  ['POST', '/v1/admin/rules/rollback', { version: 1 }],
  ['GET', '/v1/admin/workspace'],
  ['PUT', '/v1/admin/workspace', { rules: [] }],
  ['POST', '/v1/admin/workspace/publish', {}],
  ['POST', '/v1/admin/preview', { segment: 'returning' }],
  ['POST', '/v1/admin/preview-links', { segment: 'repeat', url: 'https://shop.example/' }],
  ['POST', '/v1/admin/offers/redeem', { code: 'X', visitorId: 'v' }],
  [
    'POST',
    '/v1/admin/orders',
    {
      orders: [
        {
          orderId: 'o',
          customerId: 'c',
          revenue: 1,
          currency: 'USD',
          placedAt: '2026-01-01T00:00:00Z',
        },
      ],
    },
  ],
  ['GET', '/v1/admin/site'],
  ['PATCH', '/v1/admin/site', { trustBrowserPurchases: false }],
  ['POST', '/v1/admin/site/webhook-secret', {}],
  ['POST', '/v1/admin/site/rotate-secret', {}],
  ['POST', '/v1/admin/site/rotate-public-key', {}],
  ['GET', '/v1/admin/metrics'],
  ['GET', '/v1/admin/metrics.csv'],
]
const MUTATING = ROUTES.filter(([method]) => method !== 'GET')

function call(
  method: string,
  path: string,
  body: unknown,
  headers: Record<string, string>,
): Promise<Response> {
  return SELF.fetch(`https://worker.test${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
}

async function expectCode(response: Response, status: number, code: string): Promise<void> {
  expect(response.status).toBe(status)
  expect(((await response.json()) as ErrorJson).error.code).toBe(code)
}

async function expectNoAdminWrites(site: TestSite): Promise<void> {
  const siteId = site.siteId
  expect(await countRows('rulesets', siteId)).toBe(0)
  expect(await countRows('orders', siteId)).toBe(0)
  const row = await env.DB.prepare(
    'SELECT trust_browser_purchases, webhook_secret, allow_scripts, public_key, previous_public_key, secret_key_hash FROM sites WHERE id = ?1',
  )
    .bind(siteId)
    .first()
  expect(row).toEqual({
    trust_browser_purchases: 1,
    webhook_secret: null,
    allow_scripts: 0,
    public_key: site.publicKey,
    previous_public_key: null,
    secret_key_hash: await hashSecretKey(site.secretKey),
  })
  const workspace = await env.DB.prepare(
    'SELECT count(*) AS n FROM rule_workspaces WHERE site_id = ?1',
  )
    .bind(siteId)
    .first<{ n: number }>()
  expect(workspace?.n).toBe(0)
}

describe('admin authentication, on every admin route', () => {
  it.each(ROUTES)('%s %s: 401 without a key', async (method, path, body) => {
    const site = await createTestSite()
    await expectCode(await call(method, path, body, {}), 401, 'missing_api_key')
    await expectNoAdminWrites(site)
  })

  it.each(ROUTES)('%s %s: 403 with the public key', async (method, path, body) => {
    const site = await createTestSite()
    await expectCode(
      await call(method, path, body, { authorization: `Bearer ${site.publicKey}` }),
      403,
      'public_key_not_allowed',
    )
    await expectNoAdminWrites(site)
  })

  it.each(ROUTES)('%s %s: 401 with a wrong secret key', async (method, path, body) => {
    const site = await createTestSite()
    await expectCode(
      await call(method, path, body, { authorization: 'Bearer sk_wrong' }),
      401,
      'invalid_api_key',
    )
    await expectNoAdminWrites(site)
  })

  it.each(ROUTES)('%s %s: 401 with an expired session', async (method, path, body) => {
    const site = await createTestSite()
    const session = await createTestSession(site)
    await expireSession(env.DB, session.token, Date.now())
    await expectCode(
      await call(method, path, body, { cookie: session.cookie, 'x-csrf-token': session.csrfToken }),
      401,
      'session_expired',
    )
    await expectNoAdminWrites(site)
  })

  it.each(MUTATING)('%s %s: 403 with a session but no CSRF token', async (method, path, body) => {
    const site = await createTestSite()
    const session = await createTestSession(site)
    await expectCode(
      await call(method, path, body, { cookie: session.cookie }),
      403,
      'csrf_token_invalid',
    )
    await expectCode(
      await call(method, path, body, { cookie: session.cookie, 'x-csrf-token': 'forged' }),
      403,
      'csrf_token_invalid',
    )
    await expectNoAdminWrites(site)
  })

  it('accepts a session with its CSRF token, and records the user as publisher', async () => {
    const site = await createTestSite()
    const session = await createTestSession(site, 'Jo')
    const read = await call('GET', '/v1/admin/workspace', undefined, { cookie: session.cookie })
    expect(read.status).toBe(200)
    const publish = await call(
      'PUT',
      '/v1/admin/rules',
      { rules: [] },
      { cookie: session.cookie, 'x-csrf-token': session.csrfToken },
    )
    expect(publish.status).toBe(200)
    const live = await call('GET', '/v1/admin/rules', undefined, { cookie: session.cookie })
    expect(await live.json()).toMatchObject({ version: 1, publishedBy: 'Jo' })
  })
})
