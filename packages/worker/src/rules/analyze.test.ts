import { RuleSchema, type RuleInput } from '@stammis/contract'
import { describe, expect, it } from 'vitest'
import { analyzeRules } from './analyze'

const now = Date.parse('2026-11-23T12:00:00Z')
const rule = (input: Partial<RuleInput> & { id: string }) =>
  RuleSchema.parse({
    slot: 'hero',
    status: 'live',
    content: { type: 'text', value: input.id },
    ...input,
  })
const codes = (rules: ReturnType<typeof rule>[]) =>
  analyzeRules(rules, now).map((w) => `${w.code}:${w.ruleIds.join('+')}`)

describe('analyzeRules', () => {
  it('is quiet for a clean set', () => {
    expect(
      codes([
        rule({ id: 'a', when: { segments: ['shopper'] }, offer: { kind: 'percent', value: 5 } }),
        rule({ id: 'b', when: { segments: ['returning'] }, offer: { kind: 'percent', value: 10 } }),
        rule({ id: 'c', when: { segments: ['repeat'] }, offer: { kind: 'percent', value: 15 } }),
      ]),
    ).toEqual([])
  })

  it('warns on equal priorities for the same visitors and period', () => {
    expect(
      codes([
        rule({ id: 'a', priority: 3 }),
        rule({ id: 'b', priority: 3, when: { segments: ['repeat'] } }),
      ]),
    ).toContain('priority_tie:a+b')
    // Different segments, different slots, or periods that do not overlap: no tie.
    expect(
      codes([
        rule({ id: 'a', when: { segments: ['shopper'] } }),
        rule({ id: 'b', when: { segments: ['repeat'] } }),
      ]),
    ).toEqual([])
    expect(codes([rule({ id: 'a' }), rule({ id: 'b', slot: 'banner' })])).toEqual([])
    expect(
      codes([
        rule({ id: 'a', startsAt: '2026-12-01T00:00:00Z', endsAt: '2026-12-10T00:00:00Z' }),
        rule({ id: 'b', startsAt: '2026-12-10T00:00:00Z' }),
      ]),
    ).toEqual([])
  })

  it('ignores drafts, paused and ended rules', () => {
    expect(
      codes([
        rule({ id: 'a' }),
        rule({ id: 'b', status: 'draft' }),
        rule({ id: 'c', status: 'paused' }),
        rule({ id: 'd', endsAt: '2026-01-01T00:00:00Z' }),
      ]),
    ).toEqual([])
  })

  it('finds rules that can never match', () => {
    expect(codes([rule({ id: 'r', when: { segments: ['repeat'], maxOrders: 1 } })])).toEqual([
      'never_matches:r',
    ])
    expect(codes([rule({ id: 's', when: { segments: ['shopper'], lapsed: true } })])).toEqual([
      'never_matches:s',
    ])
  })

  it('finds rules shadowed by a higher-priority catch-all', () => {
    expect(
      codes([
        rule({ id: 'all', priority: 5 }),
        rule({ id: 'returning', priority: 1, when: { segments: ['returning'] } }),
      ]),
    ).toEqual(['shadowed:returning+all'])
    // A narrower winner does not shadow.
    expect(
      codes([
        rule({ id: 'sale', priority: 5, when: { urlPattern: '/sale*' } }),
        rule({ id: 'rest', priority: 1 }),
      ]),
    ).toEqual([])
  })

  it('flags new visitors getting a better offer than existing customers', () => {
    expect(
      codes([
        rule({ id: 'new', when: { segments: ['shopper'] }, offer: { kind: 'percent', value: 15 } }),
        rule({
          id: 'back',
          when: { segments: ['returning'] },
          offer: { kind: 'percent', value: 10 },
        }),
        rule({
          id: 'loyal',
          when: { segments: ['repeat'] },
          offer: { kind: 'percent', value: 20 },
        }),
      ]),
    ).toEqual(['new_visitors_favoured:new+back'])
  })

  it('flags customers with no offer where new visitors have one', () => {
    const warnings = analyzeRules(
      [
        rule({
          id: 'first-order',
          when: { segments: ['shopper'] },
          offer: { kind: 'amount', value: 10 },
        }),
      ],
      now,
    )
    expect(warnings.map((w) => w.code)).toEqual(['new_visitors_favoured', 'new_visitors_favoured'])
    expect(warnings[0]?.message).toContain('returning customers get none')
  })

  it('does not compare offers of different kinds', () => {
    expect(
      codes([
        rule({
          id: 'new',
          when: { segments: ['shopper'] },
          offer: { kind: 'free_shipping', value: 0 },
        }),
        rule({
          id: 'old',
          when: { segments: ['returning', 'repeat'] },
          offer: { kind: 'percent', value: 10 },
        }),
      ]),
    ).toEqual([])
  })

  it('warns when a coded offer opts out of verified purchases on a rule only purchases unlock', () => {
    const loose = (id: string, when: object, offer: object) =>
      rule({ id, when, offer: { kind: 'percent', value: 10, requiresVerified: false, ...offer } })
    const warnings = analyzeRules([loose('vip', { segments: ['repeat'] }, { code: 'VIP10' })], now)
    expect(warnings).toEqual([
      expect.objectContaining({
        code: 'unverified_coded_offer',
        slot: 'hero',
        ruleIds: ['vip'],
        message: expect.stringContaining('anyone can fake those'),
      }),
    ])
    expect(warnings[0]!.message).toContain('the code VIP10')
    for (const when of [
      { lapsed: true },
      { minOrders: 1 },
      { minRevenue: 100 },
      { segments: ['returning', 'repeat'] },
    ]) {
      expect(
        codes([loose('r', when, { uniqueCodes: { prefix: 'U', validDays: 7 } })]),
        JSON.stringify(when),
      ).toContain('unverified_coded_offer:r')
    }
  })

  it('does not warn about the default, offers without a code, or rules everyone meets anyway', () => {
    const offer = { kind: 'percent' as const, value: 10, code: 'TEN' }
    expect(codes([rule({ id: 'a', when: { segments: ['repeat'] }, offer })])).toEqual([])
    expect(
      codes([
        rule({
          id: 'b',
          when: { segments: ['repeat'] },
          offer: { ...offer, requiresVerified: true },
        }),
      ]),
    ).toEqual([])
    expect(
      codes([
        rule({
          id: 'c',
          when: { segments: ['repeat'] },
          offer: { kind: 'percent', value: 10, requiresVerified: false },
        }),
      ]),
    ).toEqual([])
    // No purchase needed: everyone gets the code anyway, so the opt-out changes nothing.
    expect(
      codes([
        rule({
          id: 'd',
          when: { urlPattern: '/sale*', maxOrders: 3 },
          offer: { ...offer, requiresVerified: false },
        }),
      ]),
    ).toEqual([])
  })

  it('learns prediction conditions: fairness, shoppers, and coded offers only purchases unlock', () => {
    // A top-10% offer reaches only some returning customers: new visitors still get more than the rest.
    const warnings = analyzeRules(
      [
        rule({ id: 'new', when: { segments: ['shopper'] }, offer: { kind: 'percent', value: 10 } }),
        rule({
          id: 'vip',
          when: { segments: ['returning', 'repeat'], clvPercentile: { min: 90 } },
          offer: { kind: 'percent', value: 20 },
        }),
      ],
      now,
    )
    expect(warnings.map((w) => `${w.code}:${w.ruleIds.join('+')}`)).toEqual([
      'new_visitors_favoured:new+vip',
      'new_visitors_favoured:new+vip',
    ])
    expect(warnings[0]?.message).toContain('reaches only the returning customers')
    // With an offer for every returning and repeat customer as well, nothing to say.
    expect(
      codes([
        rule({ id: 'new', when: { segments: ['shopper'] }, offer: { kind: 'percent', value: 10 } }),
        rule({
          id: 'vip',
          priority: 1,
          when: { segments: ['returning', 'repeat'], clvPercentile: { min: 90 } },
          offer: { kind: 'percent', value: 20 },
        }),
        rule({
          id: 'all',
          when: { segments: ['returning', 'repeat'] },
          offer: { kind: 'percent', value: 10 },
        }),
      ]),
    ).toEqual([])
    // A shopper bought, if at all, in this visit: never days ago.
    expect(
      codes([
        rule({ id: 'x', when: { segments: ['shopper'], daysSinceLastPurchase: { min: 30 } } }),
      ]),
    ).toEqual(['never_matches:x'])
    // A coded offer on a prediction condition, opted out of verified purchases.
    expect(
      codes([
        rule({
          id: 'winback',
          when: { pAlive: { max: 0.3 } },
          offer: { kind: 'percent', value: 10, code: 'BACK', requiresVerified: false },
        }),
      ]),
    ).toEqual(['unverified_coded_offer:winback'])
  })
})
