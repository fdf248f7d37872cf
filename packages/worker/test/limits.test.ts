// Every size limit through the routes it guards: just under passes and is stored, just over is
// refused with 400 invalid_request and stores nothing. (Rates and the daily quota are tested in
// src/limits/, the body caps beside their routes, the abuse suite in test/abuse/.)
import {
  MAX_ORDER_AMOUNT,
  MAX_TRACK_PROPS_BYTES,
  MAX_URL_LENGTH,
  jsonBytes,
} from '@stammis/contract'
import { SELF } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { signWebhook } from '../src/lib/webhook-signature'
import {
  adminFetch,
  countRows,
  createTestSite,
  eventId,
  postJson,
  type ErrorJson,
  type TestSite,
} from './helpers'
import { siteRow } from './ledger'

async function expectInvalid(response: Response, path: string): Promise<void> {
  expect(response.status).toBe(400)
  const body = (await response.json()) as ErrorJson & { error: { issues: { path: string }[] } }
  expect(body.error.code).toBe('invalid_request')
  expect(body.error.issues.map((issue) => issue.path)).toContain(path)
}

async function expectNothingStored(site: TestSite): Promise<void> {
  for (const table of ['visitors', 'visits', 'events', 'orders'] as const)
    expect(await countRows(table, site.siteId), table).toBe(0)
}

const sendEvents = (site: TestSite, events: object[]) =>
  postJson('/v1/events', { site: site.publicKey, visitorId: 'v', visitId: 's', events })
/** A URL of exactly `length` characters. */
const urlOf = (length: number) =>
  `https://shop.example/${'a'.repeat(length - 'https://shop.example/'.length)}`

describe('track props: at most 2 KB as JSON', () => {
  // {"blob":"…"} is 11 bytes around the value.
  const props = (bytes: number) => ({ blob: 'x'.repeat(bytes - 11) })

  it('stores props of exactly 2 KB', async () => {
    const site = await createTestSite()
    expect(jsonBytes(props(MAX_TRACK_PROPS_BYTES))).toBe(MAX_TRACK_PROPS_BYTES)
    const response = await sendEvents(site, [
      { id: eventId(), type: 'track', name: 'big', props: props(MAX_TRACK_PROPS_BYTES) },
    ])
    expect(response.status).toBe(200)
    const row = await siteRow<{ data: string }>(site.siteId, 'SELECT data FROM events')
    expect(JSON.parse(row!.data)).toEqual({ name: 'big', props: props(MAX_TRACK_PROPS_BYTES) })
  })

  it('refuses one byte more, and the whole batch with it', async () => {
    const site = await createTestSite()
    const response = await sendEvents(site, [
      { id: eventId(), type: 'visit', url: 'https://shop.example/' },
      { id: eventId(), type: 'track', name: 'big', props: props(MAX_TRACK_PROPS_BYTES + 1) },
    ])
    await expectInvalid(response, 'events.1.props')
    await expectNothingStored(site)
  })
})

describe('URLs and referrers: at most 2,048 characters', () => {
  it('takes 2,048 characters in events and decide', async () => {
    const site = await createTestSite()
    const url = urlOf(MAX_URL_LENGTH)
    const events = await sendEvents(site, [
      { id: eventId(), type: 'visit', url, referrer: url },
      { id: eventId(), type: 'pageview', url },
    ])
    expect(events.status).toBe(200)
    expect(await countRows('events', site.siteId)).toBe(2)
    const decide = await postJson('/v1/decide', {
      site: site.publicKey,
      visitorId: 'v',
      visitId: 's',
      slots: ['hero'],
      context: { url, referrer: url },
    })
    expect(decide.status).toBe(200)
  })

  it.each([
    ['a visit url', (url: string) => ({ type: 'visit', url }), 'events.0.url'],
    ['a visit referrer', (url: string) => ({ type: 'visit', referrer: url }), 'events.0.referrer'],
    ['a page view url', (url: string) => ({ type: 'pageview', url }), 'events.0.url'],
  ])('refuses %s of 2,049 characters, storing nothing', async (_name, event, path) => {
    const site = await createTestSite()
    await expectInvalid(
      await sendEvents(site, [{ id: eventId(), ...event(urlOf(MAX_URL_LENGTH + 1)) }]),
      path,
    )
    await expectNothingStored(site)
  })

  it('refuses a decide context of 2,049 characters', async () => {
    const site = await createTestSite()
    const decide = (context: object) =>
      postJson('/v1/decide', {
        site: site.publicKey,
        visitorId: 'v',
        visitId: 's',
        slots: ['hero'],
        context,
      })
    await expectInvalid(await decide({ url: urlOf(MAX_URL_LENGTH + 1) }), 'context.url')
    await expectInvalid(await decide({ referrer: urlOf(MAX_URL_LENGTH + 1) }), 'context.referrer')
  })
})

describe(`revenue and discount: at most ${MAX_ORDER_AMOUNT} per order`, () => {
  const over = MAX_ORDER_AMOUNT + 0.01
  const purchase = (money: object) => ({
    id: eventId(),
    type: 'purchase',
    orderId: `A-${eventId()}`,
    revenue: 1,
    currency: 'USD',
    ...money,
  })
  const serverOrder = (money: object) => ({
    orderId: `S-${eventId()}`,
    customerId: 'c-1',
    revenue: 1,
    currency: 'USD',
    placedAt: '2026-11-20T10:00:00Z',
    ...money,
  })

  it('browser purchases: takes the limit, refuses a cent more and stores nothing', async () => {
    const site = await createTestSite()
    expect(
      (
        await sendEvents(site, [
          purchase({ revenue: MAX_ORDER_AMOUNT, discount: MAX_ORDER_AMOUNT }),
        ])
      ).status,
    ).toBe(200)
    expect(await countRows('orders', site.siteId)).toBe(1)
    const other = await createTestSite()
    await expectInvalid(await sendEvents(other, [purchase({ revenue: over })]), 'events.0.revenue')
    await expectInvalid(
      await sendEvents(other, [purchase({ discount: over })]),
      'events.0.discount',
    )
    await expectNothingStored(other)
  })

  it('server orders and imports: takes the limit, refuses a cent more and stores nothing', async () => {
    const site = await createTestSite()
    const post = (orders: object[], query = '') =>
      adminFetch(`/v1/admin/orders${query}`, site.secretKey, {
        method: 'POST',
        body: JSON.stringify({ orders }),
      })
    expect(
      (await post([serverOrder({ revenue: MAX_ORDER_AMOUNT, discount: MAX_ORDER_AMOUNT })])).status,
    ).toBe(200)
    expect(
      (await post([serverOrder({ revenue: MAX_ORDER_AMOUNT })], '?source=import')).status,
    ).toBe(200)
    await expectInvalid(
      await post([serverOrder({}), serverOrder({ revenue: over })]),
      'orders.1.revenue',
    )
    await expectInvalid(
      await post([serverOrder({ discount: over })], '?source=import'),
      'orders.0.discount',
    )
    expect(await countRows('orders', site.siteId)).toBe(2)
  })

  it('the order webhook: takes the limit, refuses a cent more and stores nothing', async () => {
    const site = await createTestSite()
    const secret = (
      (await (
        await adminFetch('/v1/admin/site/webhook-secret', site.secretKey, { method: 'POST' })
      ).json()) as { secret: string }
    ).secret
    const deliver = async (orders: object[]) => {
      const body = JSON.stringify({ orders })
      const timestamp = Math.floor(Date.now() / 1000)
      return SELF.fetch(`https://worker.test/v1/webhooks/${site.publicKey}/orders`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'stammis-timestamp': String(timestamp),
          'stammis-signature': await signWebhook(secret, timestamp, body),
        },
        body,
      })
    }
    expect((await deliver([serverOrder({ revenue: MAX_ORDER_AMOUNT })])).status).toBe(200)
    await expectInvalid(await deliver([serverOrder({ revenue: over })]), 'orders.0.revenue')
    expect(await countRows('orders', site.siteId)).toBe(1)
  })
})
