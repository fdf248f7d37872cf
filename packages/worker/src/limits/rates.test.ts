import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import {
  adminFetch,
  callWorker,
  countRows,
  createTestSite,
  waitForWindowRoom,
  type ErrorJson,
  signWebhookDelivery,
  type TestSite,
} from '../../test/helpers'
import { RATE_LIMITS, type RateLimitName } from './rates'

let keyCounter = 0
/** A key no other test uses, so each test starts with a full budget. */
const freshKey = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${++keyCounter}`

/** Uses up `count` of a limiter's budget for `key`, as earlier requests would have. */
async function spend(name: RateLimitName, key: string, count: number): Promise<void> {
  const limiter = env[RATE_LIMITS[name].binding]
  for (let start = 0; start < count; start += 50) {
    const outcomes = await Promise.all(
      Array.from({ length: Math.min(50, count - start) }, () => limiter.limit({ key })),
    )
    expect(outcomes.every((outcome) => outcome.success)).toBe(true)
  }
}

async function expectRateLimited(response: Response, name: RateLimitName): Promise<void> {
  expect(response.status).toBe(429)
  const body = (await response.json()) as ErrorJson
  expect(body.error.code).toBe('rate_limited')
  expect(body.error.message).toContain(
    `at most ${RATE_LIMITS[name].limit} every ${RATE_LIMITS[name].periodSeconds} seconds`,
  )
  expect(response.headers.get('retry-after')).toBe(String(RATE_LIMITS[name].periodSeconds))
}

const visitBatch = (site: TestSite, visitorId: string, n: number) =>
  JSON.stringify({
    site: site.publicKey,
    visitorId,
    visitId: 'rate',
    events: [{ id: `rate-${visitorId}-${n}`, type: 'pageview', url: 'https://shop.example/' }],
  })

describe('rate limits', () => {
  it.each(Object.keys(RATE_LIMITS) as RateLimitName[])(
    'the %s binding in wrangler.jsonc allows exactly the limit named in RATE_LIMITS',
    async (name) => {
      const { limit, periodSeconds } = RATE_LIMITS[name]
      await waitForWindowRoom(periodSeconds, 4_000)
      const key = freshKey(name)
      await spend(name, key, limit)
      expect((await env[RATE_LIMITS[name].binding].limit({ key })).success).toBe(false)
    },
    30_000,
  )

  it('POST /v1/events: the visitor limit passes the last request and refuses the next, which stores nothing', async () => {
    const site = await createTestSite()
    await waitForWindowRoom(60, 4_000)
    await spend('visitor', `${site.publicKey}:busy`, RATE_LIMITS.visitor.limit - 1)
    expect((await callWorker('/v1/events', { body: visitBatch(site, 'busy', 1) })).status).toBe(200)
    await expectRateLimited(
      await callWorker('/v1/events', { body: visitBatch(site, 'busy', 2) }),
      'visitor',
    )
    expect(await countRows('events', site.siteId)).toBe(1)
    // Another visitor of the same site still gets through.
    expect((await callWorker('/v1/events', { body: visitBatch(site, 'calm', 1) })).status).toBe(200)
  }, 30_000)

  it('POST /v1/events: the site limit holds whatever the visitor id, and stores nothing it refuses', async () => {
    const site = await createTestSite()
    await waitForWindowRoom(10, 4_000)
    await spend('site', site.publicKey, RATE_LIMITS.site.limit - 1)
    expect((await callWorker('/v1/events', { body: visitBatch(site, 'first', 1) })).status).toBe(
      200,
    )
    await expectRateLimited(
      await callWorker('/v1/events', { body: visitBatch(site, 'second', 1) }),
      'site',
    )
    expect(await countRows('visitors', site.siteId)).toBe(1)
    // Another site is not affected.
    const other = await createTestSite()
    expect((await callWorker('/v1/events', { body: visitBatch(other, 'second', 1) })).status).toBe(
      200,
    )
  }, 30_000)

  it('answers a browser 429 without CORS headers, so the SDK keeps the batch and retries it on a later page', async () => {
    const site = await createTestSite({ origins: ['https://shop.example'] })
    await waitForWindowRoom(60, 4_000)
    await spend('visitor', `${site.publicKey}:busy`, RATE_LIMITS.visitor.limit)
    const response = await callWorker('/v1/events', {
      headers: { 'content-type': 'text/plain', origin: 'https://shop.example' },
      body: visitBatch(site, 'busy', 1),
    })
    // Refused before the site (and so its allowed origins) is looked up: the browser cannot read
    // the answer, and the SDK's fetch fails as on a network error, which it retries.
    expect(response.status).toBe(429)
    expect(response.headers.get('access-control-allow-origin')).toBeNull()
    const allowed = await callWorker('/v1/events', {
      headers: { 'content-type': 'text/plain', origin: 'https://shop.example' },
      body: visitBatch(site, 'calm', 1),
    })
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://shop.example')
  }, 30_000)

  it('POST /v1/decide: the visitor limit passes the last request and refuses the next', async () => {
    const site = await createTestSite()
    const decide = () =>
      callWorker('/v1/decide', {
        body: JSON.stringify({
          site: site.publicKey,
          visitorId: 'busy',
          visitId: 's',
          slots: ['hero'],
        }),
      })
    await waitForWindowRoom(60, 4_000)
    await spend('visitor', `${site.publicKey}:busy`, RATE_LIMITS.visitor.limit - 1)
    expect((await decide()).status).toBe(200)
    await expectRateLimited(await decide(), 'visitor')
  }, 30_000)

  it('refuses before looking the site up: an unknown key over its limit gets 429, not unknown_site', async () => {
    const publicKey = `pk_${freshKey('nobody').replaceAll('-', '_')}`
    await waitForWindowRoom(10, 4_000)
    await spend('site', publicKey, RATE_LIMITS.site.limit)
    await expectRateLimited(
      await callWorker('/v1/decide', {
        body: JSON.stringify({ site: publicKey, visitorId: 'v', visitId: 's', slots: ['hero'] }),
      }),
      'site',
    )
  }, 30_000)

  it('POST /v1/webhooks/:publicKey/orders: the last delivery of the window passes, the next is refused and stores nothing', async () => {
    const site = await createTestSite()
    const secret = (
      (await (
        await adminFetch('/v1/admin/site/webhook-secret', site.secretKey, { method: 'POST' })
      ).json()) as { secret: string }
    ).secret
    const deliver = async (orderId: string) => {
      const body = JSON.stringify({
        orders: [
          {
            orderId,
            customerId: 'c-1',
            revenue: 10,
            currency: 'USD',
            placedAt: '2026-11-20T10:00:00Z',
          },
        ],
      })
      const timestamp = Math.floor(Date.now() / 1000)
      return callWorker(`/v1/webhooks/${site.publicKey}/orders`, {
        headers: {
          'content-type': 'application/json',
          'stammis-timestamp': String(timestamp),
          'stammis-signature': await signWebhookDelivery(secret, timestamp, body),
        },
        body,
      })
    }
    await waitForWindowRoom(60, 4_000)
    await spend('webhook', site.publicKey, RATE_LIMITS.webhook.limit - 1)
    expect((await deliver('W-1')).status).toBe(200)
    await expectRateLimited(await deliver('W-2'), 'webhook')
    expect(await countRows('orders', site.siteId)).toBe(1)
  }, 30_000)

  it('POST /admin/sign-in: the last attempt of the window from an address is answered, the next gets 429', async () => {
    const site = await createTestSite()
    const address = `198.51.100.${(keyCounter++ % 250) + 1}-${Date.now()}`
    const signIn = () =>
      callWorker('/admin/sign-in', {
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'cf-connecting-ip': address,
          cookie: 'stammis_sign_in=t',
        },
        body: new URLSearchParams({ _csrf: 't', name: 'Maria', key: site.secretKey }).toString(),
        redirect: 'manual',
      })
    await waitForWindowRoom(60, 4_000)
    await spend('signIn', address, RATE_LIMITS.signIn.limit - 1)
    const last = await signIn()
    expect(last.status).toBe(303)
    const refused = await signIn()
    expect(refused.status).toBe(429)
    expect(refused.headers.get('retry-after')).toBe('60')
    expect(await refused.text()).toContain('Too many sign-in attempts from your address')
    expect(refused.headers.get('set-cookie') ?? '').not.toContain('stammis_session=')
    // The same key from another address still signs in.
    const elsewhere = await callWorker('/admin/sign-in', {
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'cf-connecting-ip': `${address}-b`,
        cookie: 'stammis_sign_in=t',
      },
      body: new URLSearchParams({ _csrf: 't', name: 'Maria', key: site.secretKey }).toString(),
      redirect: 'manual',
    })
    expect(elsewhere.status).toBe(303)
  }, 30_000)
})
