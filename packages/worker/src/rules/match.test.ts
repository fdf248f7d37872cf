import type { Profile, RuleInput } from '@stammis/contract'
import { RuleSchema } from '@stammis/contract'
import { describe, expect, it } from 'vitest'
import { compileRule, isInSchedule, matchesWhen } from './match'
import { compileUrlPattern, matchesPattern } from './pattern'

const profile: Profile = {
  visitorId: 'v',
  segment: 'returning',
  visits: 3,
  orders: 2,
  purchaseVisits: 1,
  revenue: 80,
  lastPurchaseAt: null,
  lapsed: false,
}
const compiled = (input: Partial<RuleInput>) =>
  compileRule(
    RuleSchema.parse({
      id: 'r',
      slot: 'hero',
      status: 'live',
      content: { type: 'text', value: 'x' },
      ...input,
    }),
  )

describe('matchesWhen', () => {
  it('matches everyone when there are no conditions', () => {
    expect(matchesWhen(compiled({}), profile, {})).toBe(true)
  })

  it.each<[string, RuleInput['when'], boolean]>([
    ['segment listed', { segments: ['returning', 'repeat'] }, true],
    ['segment not listed', { segments: ['shopper'] }, false],
    ['lapsed false', { lapsed: false }, true],
    ['lapsed true', { lapsed: true }, false],
    ['minOrders met', { minOrders: 2 }, true],
    ['minOrders not met', { minOrders: 3 }, false],
    ['maxOrders met', { maxOrders: 2 }, true],
    ['maxOrders exceeded', { maxOrders: 1 }, false],
    ['minRevenue met', { minRevenue: 80 }, true],
    ['minRevenue not met', { minRevenue: 80.01 }, false],
    ['maxRevenue exceeded', { maxRevenue: 50 }, false],
    ['minVisits met', { minVisits: 3 }, true],
    ['all conditions AND: one fails', { segments: ['returning'], minOrders: 5 }, false],
  ])('%s', (_name, when, expected) => {
    expect(matchesWhen(compiled({ when }), profile, {})).toBe(expected)
  })

  it('matches a "/" pattern against path and query, others against the whole URL', () => {
    const path = compiled({ when: { urlPattern: '/products/*' } })
    expect(matchesWhen(path, profile, { url: 'https://shop.example/products/mug?ref=x' })).toBe(
      true,
    )
    expect(matchesWhen(path, profile, { url: '/products/mug' })).toBe(true)
    expect(matchesWhen(path, profile, { url: 'https://shop.example/cart' })).toBe(false)
    expect(matchesWhen(path, profile, {})).toBe(false)
    const full = compiled({ when: { referrerPattern: 'https://*.google.*' } })
    expect(matchesWhen(full, profile, { referrer: 'https://www.google.com/search?q=mugs' })).toBe(
      true,
    )
    expect(matchesWhen(full, profile, { referrer: 'https://bing.com/' })).toBe(false)
  })

  it('treats regex characters in patterns literally', () => {
    expect(matchesPattern(compileUrlPattern('/a.b?c=(1)'), '/a.b?c=(1)')).toBe(true)
    expect(matchesPattern(compileUrlPattern('/a.b'), '/axb')).toBe(false)
  })
})

describe('isInSchedule', () => {
  const rule = compiled({ startsAt: '2026-11-01T00:00:00Z', endsAt: '2026-12-01T00:00:00Z' })
  it('starts inclusive and ends exclusive', () => {
    expect(isInSchedule(rule, Date.parse('2026-10-31T23:59:59.999Z'))).toBe(false)
    expect(isInSchedule(rule, Date.parse('2026-11-01T00:00:00Z'))).toBe(true)
    expect(isInSchedule(rule, Date.parse('2026-11-30T23:59:59.999Z'))).toBe(true)
    expect(isInSchedule(rule, Date.parse('2026-12-01T00:00:00Z'))).toBe(false)
  })
})
