import { describe, expect, it } from 'vitest'
import { DecideRequestSchema, ERROR_CODES, EventsRequestSchema, RuleSchema, RulesetInputSchema } from './index'

describe('EventsRequestSchema', () => {
  const batch = { site: 'pk_demo', visitorId: 'v1', visitId: 's1', events: [{ id: 'e1', type: 'visit' }] }

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
    ['50+ events', { ...batch, events: Array.from({ length: 51 }, (_, i) => ({ id: `e${i}`, type: 'visit' })) }],
    ['negative revenue', { ...batch, events: [{ id: 'p', type: 'purchase', orderId: 'o', revenue: -1, currency: 'USD' }] }],
    ['infinite revenue', { ...batch, events: [{ id: 'p', type: 'purchase', orderId: 'o', revenue: Infinity, currency: 'USD' }] }],
    ['a 4-letter currency', { ...batch, events: [{ id: 'p', type: 'purchase', orderId: 'o', revenue: 1, currency: 'USDT' }] }],
    ['a pageview without url', { ...batch, events: [{ id: 'p', type: 'pageview' }] }],
    ['an id of 65 characters', { ...batch, visitorId: 'x'.repeat(65) }],
  ])('rejects %s', (_name, value) => {
    expect(EventsRequestSchema.safeParse(value).success).toBe(false)
  })
})

describe('DecideRequestSchema', () => {
  it('defaults the context', () => {
    expect(DecideRequestSchema.parse({ site: 'pk_a', visitorId: 'v', visitId: 's', slots: ['hero'] }).context).toEqual({})
  })
})

describe('RuleSchema', () => {
  const rule = { id: 'r1', slot: 'hero', status: 'live', content: { type: 'json', value: { title: 'Hi', items: [1, 2] } } }

  it('fills defaults', () => {
    expect(RuleSchema.parse(rule)).toMatchObject({ priority: 0, when: {}, holdoutPercent: 0 })
  })

  it('accepts each offer kind', () => {
    for (const offer of [{ kind: 'percent', value: 15 }, { kind: 'amount', value: 5, code: 'FIVE' }, { kind: 'free_shipping', value: 0, expiresAt: '2026-12-31T23:59:59Z' }]) {
      expect(RuleSchema.safeParse({ ...rule, offer }).success, JSON.stringify(offer)).toBe(true)
    }
  })

  it('points at the field at fault', () => {
    const result = RulesetInputSchema.safeParse({ rules: [rule, { ...rule, id: 'r2', holdoutPercent: 75 }] })
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
