import { SELF } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import {
  adminFetch,
  countRows,
  createTestSite,
  type ErrorJson,
  type TestSite,
} from '../../test/helpers'
import { WEBHOOK_MAX_BODY_BYTES } from './routes'
import { signWebhook } from '../lib/webhook-signature'

const body = JSON.stringify({
  orders: [
    {
      orderId: 'WH-1',
      customerId: 'cust-1',
      revenue: 30,
      currency: 'USD',
      placedAt: '2026-11-20T10:00:00Z',
    },
  ],
})

async function secretFor(site: TestSite): Promise<string> {
  const response = await adminFetch('/v1/admin/site/webhook-secret', site.secretKey, {
    method: 'POST',
  })
  return ((await response.json()) as { secret: string }).secret
}

async function deliver(
  site: TestSite,
  payload: string,
  headers: Record<string, string>,
): Promise<Response> {
  return SELF.fetch(`https://worker.test/v1/webhooks/${site.publicKey}/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: payload,
  })
}

async function signed(
  secret: string,
  payload: string,
  at = Date.now(),
): Promise<Record<string, string>> {
  const timestamp = Math.floor(at / 1000)
  return {
    'stammis-timestamp': String(timestamp),
    'stammis-signature': await signWebhook(secret, timestamp, payload),
  }
}

async function expectCode(response: Response, status: number, code: string): Promise<void> {
  expect(response.status).toBe(status)
  expect(((await response.json()) as ErrorJson).error.code).toBe(code)
}

describe('POST /v1/webhooks/:publicKey/orders', () => {
  it('accepts a validly signed delivery', async () => {
    const site = await createTestSite()
    const secret = await secretFor(site)
    expect(secret).toMatch(/^whsec_/)
    const response = await deliver(site, body, await signed(secret, body))
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({
      accepted: 1,
      confirmed: 0,
      conflicts: 0,
      duplicates: 0,
    })
    expect(await countRows('orders', site.siteId)).toBe(1)
  })

  it('refuses a tampered body', async () => {
    const site = await createTestSite()
    const secret = await secretFor(site)
    const headers = await signed(secret, body)
    await expectCode(
      await deliver(site, body.replace('30', '3000'), headers),
      401,
      'invalid_signature',
    )
    expect(await countRows('orders', site.siteId)).toBe(0)
  })

  it('refuses the wrong secret, and a rotated-out one', async () => {
    const site = await createTestSite()
    const old = await secretFor(site)
    await secretFor(site)
    await expectCode(
      await deliver(site, body, await signed('whsec_wrong', body)),
      401,
      'invalid_signature',
    )
    await expectCode(await deliver(site, body, await signed(old, body)), 401, 'invalid_signature')
    await expectCode(await deliver(site, body, {}), 401, 'invalid_signature')
    expect(await countRows('orders', site.siteId)).toBe(0)
  })

  it('refuses a stale timestamp', async () => {
    const site = await createTestSite()
    const secret = await secretFor(site)
    await expectCode(
      await deliver(site, body, await signed(secret, body, Date.now() - 6 * 60_000)),
      401,
      'stale_webhook',
    )
    await expectCode(
      await deliver(site, body, await signed(secret, body, Date.now() + 6 * 60_000)),
      401,
      'stale_webhook',
    )
    expect(await countRows('orders', site.siteId)).toBe(0)
  })

  it('refuses a replay of an accepted delivery', async () => {
    const site = await createTestSite()
    const secret = await secretFor(site)
    const headers = await signed(secret, body)
    expect((await deliver(site, body, headers)).status).toBe(200)
    await expectCode(await deliver(site, body, headers), 409, 'webhook_replayed')
    expect(await countRows('orders', site.siteId)).toBe(1)
  })

  it('refuses a site without a webhook secret, and an unknown site', async () => {
    const site = await createTestSite()
    await expectCode(
      await deliver(site, body, await signed('whsec_x', body)),
      401,
      'invalid_signature',
    )
    const response = await SELF.fetch('https://worker.test/v1/webhooks/pk_nobody/orders', {
      method: 'POST',
      body,
    })
    await expectCode(response, 401, 'unknown_site')
  })

  it('validates the signed body like the admin API', async () => {
    const site = await createTestSite()
    const secret = await secretFor(site)
    const bad = JSON.stringify({
      orders: [
        {
          orderId: 'x',
          revenue: -1,
          currency: 'USD',
          placedAt: '2026-01-01T00:00:00Z',
          customerId: 'c',
        },
      ],
    })
    await expectCode(await deliver(site, bad, await signed(secret, bad)), 400, 'invalid_request')
    expect(await countRows('orders', site.siteId)).toBe(0)
  })

  it('reads at most 2 MB: a signed delivery of exactly 2 MB passes, one byte more is refused and stores nothing', async () => {
    const site = await createTestSite()
    const secret = await secretFor(site)
    const padded = (orderId: string, size: number) => {
      const json = JSON.stringify({
        orders: [
          {
            orderId,
            customerId: 'cust-1',
            revenue: 30,
            currency: 'USD',
            placedAt: '2026-11-20T10:00:00Z',
          },
        ],
      })
      return json + ' '.repeat(size - json.length)
    }
    const atCap = padded('CAP-1', WEBHOOK_MAX_BODY_BYTES)
    const atCapAnswer = await deliver(site, atCap, await signed(secret, atCap))
    expect(atCapAnswer.status).toBe(200)
    expect(await atCapAnswer.json()).toEqual({
      accepted: 1,
      confirmed: 0,
      conflicts: 0,
      duplicates: 0,
    })

    const over = padded('CAP-2', WEBHOOK_MAX_BODY_BYTES + 1)
    const answer = await deliver(site, over, await signed(secret, over))
    await expectCode(answer, 413, 'payload_too_large')
    expect(await countRows('orders', site.siteId)).toBe(1)
  })
})
