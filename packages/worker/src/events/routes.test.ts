import { SELF } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { countRows, createTestSite, eventId, postJson, type ErrorJson } from '../../test/helpers'
import { ledgerFor, ledgerRows } from '../../test/ledger'

const visit = () => ({
  id: eventId(),
  type: 'visit',
  url: 'https://shop.example/',
  referrer: 'https://search.example/',
})
const purchase = (orderId: string, revenue = 25) => ({
  id: eventId(),
  type: 'purchase',
  orderId,
  revenue,
  currency: 'USD',
})

async function expectError(response: Response, status: number, code: string): Promise<string> {
  expect(response.status).toBe(status)
  const body = (await response.json()) as ErrorJson
  expect(body.error.code).toBe(code)
  expect(body.error.message.length).toBeGreaterThan(10)
  return body.error.message
}

async function expectNothingStored(siteId: string): Promise<void> {
  for (const table of ['visitors', 'visits', 'events', 'orders'] as const) {
    expect(await countRows(table, siteId), table).toBe(0)
  }
}

describe('POST /v1/events', () => {
  it('stores every event type and answers with the profile', async () => {
    const site = await createTestSite()
    const response = await postJson('/v1/events', {
      site: site.publicKey,
      visitorId: 'visitor-1',
      visitId: 'visit-1',
      events: [
        visit(),
        { id: eventId(), type: 'pageview', url: 'https://shop.example/p/mug' },
        { id: eventId(), type: 'track', name: 'add_to_cart', props: { sku: 'MUG', qty: 2 } },
        { id: eventId(), type: 'identify', customerId: 'cust-42' },
        purchase('A-1', 19.99),
      ],
    })
    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({
      accepted: 5,
      duplicates: 0,
      profile: {
        visitorId: 'visitor-1',
        segment: 'shopper',
        visits: 1,
        orders: 1,
        purchaseVisits: 0,
        revenue: 19.99,
        lapsed: false,
      },
    })
    expect(await countRows('events', site.siteId)).toBe(5)
    expect(await countRows('orders', site.siteId)).toBe(1)
  })

  it('accepts application/json as well as text/plain', async () => {
    const site = await createTestSite()
    const response = await SELF.fetch('https://worker.test/v1/events', {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({
        site: site.publicKey,
        visitorId: 'v',
        visitId: 's',
        events: [visit()],
      }),
    })
    expect(response.status).toBe(200)
  })

  it('counts concurrent copies of the same batch once', async () => {
    const site = await createTestSite()
    const body = {
      site: site.publicKey,
      visitorId: 'v',
      visitId: 's',
      events: [visit(), purchase('A-7', 30)],
    }
    const answers = await Promise.all(
      [1, 2, 3, 4].map(() =>
        postJson('/v1/events', body).then((r) => r.json() as Promise<{ accepted: number }>),
      ),
    )
    expect(answers.map((a) => a.accepted).reduce((sum, n) => sum + n, 0)).toBe(2)
    expect(await countRows('orders', site.siteId)).toBe(1)
    const last = await postJson('/v1/events', { ...body, events: [visit()] })
    expect(
      ((await last.json()) as { profile: { orders: number; revenue: number } }).profile,
    ).toMatchObject({ orders: 1, revenue: 30 })
  })

  it('records the segment each visit began in', async () => {
    const site = await createTestSite()
    const send = (visitId: string, events: unknown[]) =>
      postJson('/v1/events', { site: site.publicKey, visitorId: 'v', visitId, events })
    await send('s1', [visit(), purchase('o1')])
    await send('s2', [visit(), purchase('o2')])
    await send('s3', [visit()])
    const rows = await ledgerRows(
      ledgerFor(site.siteId),
      'SELECT visit_id, segment, has_purchase FROM visits ORDER BY started_at, visit_id',
    )
    expect(rows).toEqual([
      { visit_id: 's1', segment: 'shopper', has_purchase: 1 },
      { visit_id: 's2', segment: 'returning', has_purchase: 1 },
      { visit_id: 's3', segment: 'repeat', has_purchase: 0 },
    ])
  })

  it('counts revenue only in the site currency, but every order for the segment', async () => {
    const site = await createTestSite({ currency: 'EUR' })
    const response = await postJson('/v1/events', {
      site: site.publicKey,
      visitorId: 'v',
      visitId: 's',
      events: [
        { id: eventId(), type: 'purchase', orderId: 'o1', revenue: 10, currency: 'EUR' },
        { id: eventId(), type: 'purchase', orderId: 'o2', revenue: 99, currency: 'USD' },
      ],
    })
    expect(((await response.json()) as { profile: unknown }).profile).toMatchObject({
      orders: 2,
      revenue: 10,
    })
  })

  describe('rejects bad input whole and stores nothing', () => {
    const cases: [string, (pk: string) => unknown, number, string][] = [
      ['invalid JSON', () => '{"site": "pk_', 400, 'invalid_json'],
      ['an empty body', () => '', 400, 'invalid_json'],
      [
        'a missing visitorId',
        (pk) => ({ site: pk, visitId: 's', events: [visit()] }),
        400,
        'invalid_request',
      ],
      [
        'a wrongly typed field',
        (pk) => ({ site: pk, visitorId: 42, visitId: 's', events: [visit()] }),
        400,
        'invalid_request',
      ],
      [
        'an id with spaces',
        (pk) => ({ site: pk, visitorId: 'a b', visitId: 's', events: [visit()] }),
        400,
        'invalid_request',
      ],
      [
        'no events',
        (pk) => ({ site: pk, visitorId: 'v', visitId: 's', events: [] }),
        400,
        'invalid_request',
      ],
      [
        '51 events',
        (pk) => ({
          site: pk,
          visitorId: 'v',
          visitId: 's',
          events: Array.from({ length: 51 }, visit),
        }),
        400,
        'invalid_request',
      ],
      [
        'an unknown event type',
        (pk) => ({
          site: pk,
          visitorId: 'v',
          visitId: 's',
          events: [visit(), { id: 'x', type: 'click' }],
        }),
        400,
        'invalid_request',
      ],
      [
        'one invalid event among good ones',
        (pk) => ({
          site: pk,
          visitorId: 'v',
          visitId: 's',
          events: [visit(), purchase('ok-1'), { ...purchase('bad'), revenue: -1 }],
        }),
        400,
        'invalid_request',
      ],
      [
        'a purchase without orderId',
        (pk) => ({
          site: pk,
          visitorId: 'v',
          visitId: 's',
          events: [{ id: 'p', type: 'purchase', revenue: 1, currency: 'USD' }],
        }),
        400,
        'invalid_request',
      ],
      [
        'a lowercase currency',
        (pk) => ({
          site: pk,
          visitorId: 'v',
          visitId: 's',
          events: [{ ...purchase('o'), currency: 'usd' }],
        }),
        400,
        'invalid_request',
      ],
      [
        'revenue as a string',
        (pk) => ({
          site: pk,
          visitorId: 'v',
          visitId: 's',
          events: [{ ...purchase('o'), revenue: '12' }],
        }),
        400,
        'invalid_request',
      ],
      [
        'an unexpected field',
        (pk) => ({ site: pk, visitorId: 'v', visitId: 's', events: [visit()], extra: true }),
        400,
        'invalid_request',
      ],
      [
        'a body over 64 KB',
        (pk) => ({
          site: pk,
          visitorId: 'v',
          visitId: 's',
          events: [{ ...visit(), url: 'x'.repeat(70_000) }],
        }),
        413,
        'payload_too_large',
      ],
    ]
    it.each(cases)('%s', async (_name, makeBody, status, code) => {
      const site = await createTestSite()
      await expectError(await postJson('/v1/events', makeBody(site.publicKey)), status, code)
      await expectNothingStored(site.siteId)
    })

    it('names the field at fault', async () => {
      const site = await createTestSite()
      const response = await postJson('/v1/events', {
        site: site.publicKey,
        visitorId: 'v',
        visitId: 's',
        events: [visit(), { ...purchase('o'), revenue: -5 }],
      })
      const message = await expectError(response, 400, 'invalid_request')
      expect(message).toContain('events.1.revenue')
    })

    it('refuses other content types', async () => {
      const site = await createTestSite()
      const response = await SELF.fetch('https://worker.test/v1/events', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'site=' + site.publicKey,
      })
      await expectError(response, 415, 'unsupported_media_type')
      await expectNothingStored(site.siteId)
    })
  })

  describe('site key and origin', () => {
    it('401 without a site key', async () => {
      await expectError(
        await postJson('/v1/events', { visitorId: 'v', visitId: 's', events: [visit()] }),
        401,
        'missing_site_key',
      )
    })

    it('401 for an unknown site key', async () => {
      await expectError(
        await postJson('/v1/events', {
          site: 'pk_nobody',
          visitorId: 'v',
          visitId: 's',
          events: [visit()],
        }),
        401,
        'unknown_site',
      )
    })

    it('401 with a warning when a secret key is used in the browser', async () => {
      const site = await createTestSite()
      const message = await expectError(
        await postJson('/v1/events', {
          site: site.secretKey,
          visitorId: 'v',
          visitId: 's',
          events: [visit()],
        }),
        401,
        'secret_key_in_browser_call',
      )
      expect(message).toContain('never put it in a page')
      await expectNothingStored(site.siteId)
    })

    it('403 for an origin the site has not allowed, storing nothing', async () => {
      const site = await createTestSite({ origins: ['https://shop.example'] })
      const response = await postJson(
        '/v1/events',
        { site: site.publicKey, visitorId: 'v', visitId: 's', events: [visit()] },
        { origin: 'https://evil.example' },
      )
      await expectError(response, 403, 'origin_not_allowed')
      expect(response.headers.get('access-control-allow-origin')).toBeNull()
      await expectNothingStored(site.siteId)
    })

    it('lets an allowed origin read the answer, and its errors', async () => {
      const site = await createTestSite({ origins: ['https://shop.example'] })
      const ok = await postJson(
        '/v1/events',
        { site: site.publicKey, visitorId: 'v', visitId: 's', events: [visit()] },
        { origin: 'https://shop.example' },
      )
      expect(ok.status).toBe(200)
      expect(ok.headers.get('access-control-allow-origin')).toBe('https://shop.example')
      const bad = await postJson(
        '/v1/events',
        { site: site.publicKey, visitorId: 'v', visitId: 's', events: [] },
        { origin: 'https://shop.example' },
      )
      expect(bad.status).toBe(400)
      expect(bad.headers.get('access-control-allow-origin')).toBe('https://shop.example')
    })

    it('answers the CORS preflight', async () => {
      const response = await SELF.fetch('https://worker.test/v1/events', {
        method: 'OPTIONS',
        headers: {
          origin: 'https://shop.example',
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type',
        },
      })
      expect(response.status).toBe(204)
      expect(response.headers.get('access-control-allow-origin')).toBe('https://shop.example')
      expect(response.headers.get('access-control-allow-methods')).toContain('POST')
    })
  })
})
