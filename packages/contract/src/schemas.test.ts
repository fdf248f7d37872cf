import { describe, expect, it } from 'vitest'
import {
  DecideRequestSchema,
  ERROR_CODES,
  EventsRequestSchema,
  jsonBytes,
  MAX_ORDER_AMOUNT,
  MAX_PROFILE_TOKEN_LENGTH,
  MAX_TRACK_PROPS_BYTES,
  MAX_URL_LENGTH,
  RuleSchema,
  RulesetInputSchema,
  ServerOrdersRequestSchema,
} from './index'

describe('EventsRequestSchema', () => {
  const batch = {
    site: 'pk_demo',
    visitorId: 'v1',
    visitId: 's1',
    events: [{ id: 'e1', type: 'visit' }],
  }

  it('accepts every event type', () => {
    const events = [
      { id: 'a', type: 'visit', url: 'https://x/', referrer: '' },
      { id: 'b', type: 'pageview', url: '/p' },
      { id: 'c', type: 'purchase', orderId: 'o', revenue: 0, currency: 'EUR' },
      { id: 'd', type: 'identify', customerId: 'c-1' },
      { id: 'e', type: 'track', name: 'signup', props: { plan: 'pro' } },
    ]
    expect(EventsRequestSchema.safeParse({ ...batch, events }).success).toBe(true)
  })

  it.each([
    ['a secret key as site', { ...batch, site: 'sk_x' }],
    [
      '50+ events',
      { ...batch, events: Array.from({ length: 51 }, (_, i) => ({ id: `e${i}`, type: 'visit' })) },
    ],
    [
      'negative revenue',
      {
        ...batch,
        events: [{ id: 'p', type: 'purchase', orderId: 'o', revenue: -1, currency: 'USD' }],
      },
    ],
    [
      'infinite revenue',
      {
        ...batch,
        events: [{ id: 'p', type: 'purchase', orderId: 'o', revenue: Infinity, currency: 'USD' }],
      },
    ],
    [
      'a 4-letter currency',
      {
        ...batch,
        events: [{ id: 'p', type: 'purchase', orderId: 'o', revenue: 1, currency: 'USDT' }],
      },
    ],
    ['a pageview without url', { ...batch, events: [{ id: 'p', type: 'pageview' }] }],
    ['an id of 65 characters', { ...batch, visitorId: 'x'.repeat(65) }],
  ])('rejects %s', (_name, value) => {
    expect(EventsRequestSchema.safeParse(value).success).toBe(false)
  })
})

describe('limits: just under passes, just over is refused', () => {
  const batch = (event: object) => ({
    site: 'pk_demo',
    visitorId: 'v1',
    visitId: 's1',
    events: [{ id: 'e1', ...event }],
  })
  const accepts = (value: unknown) => EventsRequestSchema.safeParse(value).success

  it(`track props of at most ${MAX_TRACK_PROPS_BYTES} bytes as JSON`, () => {
    // {"k":"…"} is 8 bytes around the value; "é" is 2 bytes in UTF-8, so bytes are counted, not characters.
    const props = (valueBytes: number) => ({
      k: 'é'.repeat(Math.floor(valueBytes / 2)) + 'x'.repeat(valueBytes % 2),
    })
    expect(jsonBytes(props(MAX_TRACK_PROPS_BYTES - 8))).toBe(MAX_TRACK_PROPS_BYTES)
    expect(
      accepts(batch({ type: 'track', name: 't', props: props(MAX_TRACK_PROPS_BYTES - 8) })),
    ).toBe(true)
    const over = EventsRequestSchema.safeParse(
      batch({ type: 'track', name: 't', props: props(MAX_TRACK_PROPS_BYTES - 7) }),
    )
    expect(over.success).toBe(false)
    expect(over.error?.issues[0]?.path).toEqual(['events', 0, 'props'])
    expect(over.error?.issues[0]?.message).toBe('must be at most 2048 bytes as JSON')
    expect([jsonBytes({ a: '€' }), jsonBytes({ a: '😀' }), jsonBytes({ a: 'a' })]).toEqual([
      3 + 8,
      4 + 8,
      1 + 8,
    ])
  })

  it(`revenue and discount of at most ${MAX_ORDER_AMOUNT}, in browser purchases and server orders`, () => {
    const purchase = (money: object) =>
      batch({ type: 'purchase', orderId: 'o', revenue: 1, currency: 'USD', ...money })
    const order = (money: object) => ({
      orders: [
        {
          orderId: 'o',
          customerId: 'c',
          revenue: 1,
          currency: 'USD',
          placedAt: '2026-11-20T10:00:00Z',
          ...money,
        },
      ],
    })
    for (const field of ['revenue', 'discount']) {
      expect(accepts(purchase({ [field]: MAX_ORDER_AMOUNT })), field).toBe(true)
      expect(accepts(purchase({ [field]: MAX_ORDER_AMOUNT + 0.01 })), field).toBe(false)
      expect(
        ServerOrdersRequestSchema.safeParse(order({ [field]: MAX_ORDER_AMOUNT })).success,
        field,
      ).toBe(true)
      expect(
        ServerOrdersRequestSchema.safeParse(order({ [field]: MAX_ORDER_AMOUNT + 0.01 })).success,
        field,
      ).toBe(false)
    }
  })

  it(`URLs and referrers of at most ${MAX_URL_LENGTH} characters`, () => {
    const url = (length: number) =>
      'https://shop.example/' + 'a'.repeat(length - 'https://shop.example/'.length)
    for (const event of [
      (u: string) => ({ type: 'visit', url: u }),
      (u: string) => ({ type: 'visit', referrer: u }),
      (u: string) => ({ type: 'pageview', url: u }),
    ]) {
      expect(accepts(batch(event(url(MAX_URL_LENGTH))))).toBe(true)
      expect(accepts(batch(event(url(MAX_URL_LENGTH + 1))))).toBe(false)
    }
    const decide = (context: object) =>
      DecideRequestSchema.safeParse({
        site: 'pk_a',
        visitorId: 'v',
        visitId: 's',
        slots: ['hero'],
        context,
      }).success
    expect(decide({ url: url(MAX_URL_LENGTH), referrer: url(MAX_URL_LENGTH) })).toBe(true)
    expect(decide({ url: url(MAX_URL_LENGTH + 1) })).toBe(false)
    expect(decide({ referrer: url(MAX_URL_LENGTH + 1) })).toBe(false)
  })
})

describe('DecideRequestSchema', () => {
  it('defaults the context', () => {
    expect(
      DecideRequestSchema.parse({ site: 'pk_a', visitorId: 'v', visitId: 's', slots: ['hero'] })
        .context,
    ).toEqual({})
  })

  it('takes a profile token up to MAX_PROFILE_TOKEN_LENGTH characters', () => {
    const decide = (profileToken: unknown) =>
      DecideRequestSchema.safeParse({
        site: 'pk_a',
        visitorId: 'v',
        visitId: 's',
        slots: ['hero'],
        profileToken,
      }).success
    expect(decide('x'.repeat(MAX_PROFILE_TOKEN_LENGTH))).toBe(true)
    expect(decide(undefined)).toBe(true)
    expect(decide('x'.repeat(MAX_PROFILE_TOKEN_LENGTH + 1))).toBe(false)
    expect(decide(42)).toBe(false)
  })
})

describe('RuleSchema', () => {
  const rule = {
    id: 'r1',
    slot: 'hero',
    status: 'live',
    content: { type: 'json', value: { title: 'Hi', items: [1, 2] } },
  }

  it('fills defaults', () => {
    expect(RuleSchema.parse(rule)).toMatchObject({ priority: 0, when: {}, holdoutPercent: 0 })
  })

  it('accepts each offer kind', () => {
    for (const offer of [
      { kind: 'percent', value: 15 },
      { kind: 'amount', value: 5, code: 'FIVE' },
      { kind: 'free_shipping', value: 0, expiresAt: '2026-12-31T23:59:59Z' },
    ]) {
      expect(RuleSchema.safeParse({ ...rule, offer }).success, JSON.stringify(offer)).toBe(true)
    }
  })

  it('points at the field at fault', () => {
    const result = RulesetInputSchema.safeParse({
      rules: [rule, { ...rule, id: 'r2', holdoutPercent: 75 }],
    })
    expect(result.success).toBe(false)
    expect(result.error?.issues[0]?.path).toEqual(['rules', 1, 'holdoutPercent'])
  })
})

describe('ERROR_CODES', () => {
  it('gives every code a 4xx or 5xx status and a description', () => {
    for (const [code, { status, description }] of Object.entries(ERROR_CODES)) {
      expect(code).toMatch(/^[a-z]+(_[a-z]+)*$/)
      expect(status).toBeGreaterThanOrEqual(400)
      expect(description.length).toBeGreaterThan(10)
    }
  })
})
