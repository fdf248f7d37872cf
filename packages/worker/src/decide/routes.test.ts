import type { DecideResponse, RuleInput } from '@stammis/contract'
import { describe, expect, it } from 'vitest'
import {
  createTestSite,
  eventId,
  postJson,
  publishRules,
  type ErrorJson,
  type TestSite,
} from '../../test/helpers'
import { ledgerFor, ledgerRows } from '../../test/ledger'
import { isHeldOut } from './engine'

const rule = (overrides: Partial<RuleInput> & { id: string }): RuleInput => ({
  slot: 'hero',
  priority: 0,
  status: 'live',
  content: { type: 'text', value: overrides.id },
  ...overrides,
})

async function decide(
  site: TestSite,
  visitorId: string,
  slots: string[],
  extra: Record<string, unknown> = {},
): Promise<DecideResponse> {
  const response = await postJson('/v1/decide', {
    site: site.publicKey,
    visitorId,
    visitId: 'visit-now',
    slots,
    ...extra,
  })
  expect(response.status).toBe(200)
  return (await response.json()) as DecideResponse
}

async function buy(
  site: TestSite,
  visitorId: string,
  visitId: string,
  orderId: string,
  revenue = 20,
): Promise<void> {
  const response = await postJson('/v1/events', {
    site: site.publicKey,
    visitorId,
    visitId,
    events: [
      { id: eventId(), type: 'visit' },
      { id: eventId(), type: 'purchase', orderId, revenue, currency: 'USD' },
    ],
  })
  expect(response.status).toBe(200)
}

/** Exposures are written after the response, so tests poll for them rather than assume timing. */
async function exposuresOf(siteId: string): Promise<Record<string, unknown>[]> {
  return ledgerRows(
    ledgerFor(siteId),
    'SELECT rule_id, visitor_id, variant, visits_exposed, first_visit_id FROM exposures ORDER BY rule_id, visitor_id',
  )
}

describe('POST /v1/decide', () => {
  it('answers null for every slot when the site has no rules', async () => {
    const site = await createTestSite()
    const answer = await decide(site, 'v', ['hero', 'banner'])
    expect(answer.decisions).toEqual({ hero: null, banner: null })
    expect(answer.profile).toMatchObject({
      visitorId: 'v',
      segment: 'shopper',
      visits: 1,
      orders: 0,
    })
  })

  it('serves each segment its own rule', async () => {
    const site = await createTestSite()
    await publishRules(site, [
      rule({ id: 'for-shoppers', when: { segments: ['shopper'] } }),
      rule({
        id: 'for-returning',
        when: { segments: ['returning'] },
        offer: { kind: 'percent', value: 10 },
      }),
      rule({ id: 'for-repeat', when: { segments: ['repeat'] } }),
    ])
    expect((await decide(site, 'new', ['hero'])).decisions.hero?.ruleId).toBe('for-shoppers')

    await buy(site, 'once', 's1', 'o-once')
    const returning = await decide(site, 'once', ['hero'])
    expect(returning.profile.segment).toBe('returning')
    expect(returning.decisions.hero).toEqual({
      ruleId: 'for-returning',
      variant: 'treatment',
      content: { type: 'text', value: 'for-returning' },
      offer: { kind: 'percent', value: 10 },
    })

    await buy(site, 'twice', 's1', 'o-t1')
    await buy(site, 'twice', 's2', 'o-t2')
    expect((await decide(site, 'twice', ['hero'])).decisions.hero?.ruleId).toBe('for-repeat')
  })

  it('picks the highest priority, then the rule listed first', async () => {
    const site = await createTestSite()
    await publishRules(site, [
      rule({ id: 'low', priority: 1 }),
      rule({ id: 'high-a', priority: 5 }),
      rule({ id: 'high-b', priority: 5 }),
      rule({ id: 'banner', slot: 'banner', priority: -3 }),
    ])
    const answer = await decide(site, 'v', ['hero', 'banner', 'footer'])
    expect(answer.decisions.hero?.ruleId).toBe('high-a')
    expect(answer.decisions.banner?.ruleId).toBe('banner')
    expect(answer.decisions.footer).toBeNull()
  })

  it('skips drafts, rules not yet started and rules that ended', async () => {
    const site = await createTestSite()
    const hour = 3_600_000
    await publishRules(site, [
      rule({ id: 'draft', priority: 9, status: 'draft' }),
      rule({ id: 'future', priority: 8, startsAt: new Date(Date.now() + hour).toISOString() }),
      rule({ id: 'ended', priority: 7, endsAt: new Date(Date.now() - hour).toISOString() }),
      rule({
        id: 'running',
        priority: 1,
        startsAt: new Date(Date.now() - hour).toISOString(),
        endsAt: new Date(Date.now() + hour).toISOString(),
      }),
    ])
    expect((await decide(site, 'v', ['hero'])).decisions.hero?.ruleId).toBe('running')
  })

  it('matches conditions on orders, revenue, lapsed and URL', async () => {
    const site = await createTestSite()
    await publishRules(site, [
      rule({ id: 'big-spender', priority: 10, when: { minRevenue: 100 } }),
      rule({ id: 'sale-page', priority: 5, when: { urlPattern: '/sale/*' } }),
      rule({ id: 'lapsed', priority: 4, when: { lapsed: true } }),
      rule({ id: 'fallback', priority: 0 }),
    ])
    expect(
      (
        await decide(site, 'v1', ['hero'], {
          context: { url: 'https://shop.example/sale/shoes?x=1' },
        })
      ).decisions.hero?.ruleId,
    ).toBe('sale-page')
    expect(
      (await decide(site, 'v1', ['hero'], { context: { url: 'https://shop.example/' } })).decisions
        .hero?.ruleId,
    ).toBe('fallback')

    await buy(site, 'rich', 's1', 'o-big', 150)
    expect((await decide(site, 'rich', ['hero'])).decisions.hero?.ruleId).toBe('big-spender')

    await buy(site, 'old', 's1', 'o-old', 10)
    // Move the purchase back in time: the lapse window is 90 days.
    await ledgerRows(
      ledgerFor(site.siteId),
      'UPDATE people SET last_purchase_at = ?1 WHERE person_id = (SELECT person_id FROM visitors WHERE visitor_id = ?2)',
      Date.now() - 120 * 86_400_000,
      'old',
    )
    const lapsed = await decide(site, 'old', ['hero'])
    expect(lapsed.profile.lapsed).toBe(true)
    expect(lapsed.decisions.hero?.ruleId).toBe('lapsed')
  })

  it('holds a stable share of visitors out as a control group', async () => {
    const site = await createTestSite()
    await publishRules(site, [
      rule({ id: 'with-holdout', holdoutPercent: 50, offer: { kind: 'amount', value: 5 } }),
    ])
    const visitors = Array.from({ length: 40 }, (_, i) => `visitor-${i}`)
    const first = await Promise.all(visitors.map((v) => decide(site, v, ['hero'])))
    const second = await Promise.all(visitors.map((v) => decide(site, v, ['hero'])))
    const variants = first.map((answer) => answer.decisions.hero?.variant)
    expect(second.map((answer) => answer.decisions.hero?.variant)).toEqual(variants)
    expect(variants).toEqual(
      visitors.map((v) => (isHeldOut('with-holdout', v, 50) ? 'control' : 'treatment')),
    )
    expect(variants).toContain('control')
    expect(variants).toContain('treatment')
    for (const answer of first) {
      if (answer.decisions.hero?.variant === 'control')
        expect(answer.decisions.hero).toMatchObject({ content: null, offer: null })
      else expect(answer.decisions.hero?.offer).toEqual({ kind: 'amount', value: 5 })
    }
  })

  it('records an exposure for every decision served, treatment or control', async () => {
    const site = await createTestSite()
    await publishRules(site, [
      rule({ id: 'hero-rule', holdoutPercent: 50 }),
      rule({ id: 'banner-rule', slot: 'banner' }),
    ])
    await decide(site, 'a', ['hero', 'banner', 'footer'])
    await decide(site, 'a', ['hero'])
    await decide(site, 'a', ['hero'], { visitId: 'visit-later' })
    await decide(site, 'b', ['hero'])
    await expect
      .poll(() => exposuresOf(site.siteId))
      .toEqual([
        {
          rule_id: 'banner-rule',
          visitor_id: 'a',
          variant: 'treatment',
          visits_exposed: 1,
          first_visit_id: 'visit-now',
        },
        {
          rule_id: 'hero-rule',
          visitor_id: 'a',
          variant: isHeldOut('hero-rule', 'a', 50) ? 'control' : 'treatment',
          visits_exposed: 2,
          first_visit_id: 'visit-now',
        },
        {
          rule_id: 'hero-rule',
          visitor_id: 'b',
          variant: isHeldOut('hero-rule', 'b', 50) ? 'control' : 'treatment',
          visits_exposed: 1,
          first_visit_id: 'visit-now',
        },
      ])
  })

  it('serves a new publish on the very next request', async () => {
    const site = await createTestSite()
    await publishRules(site, [rule({ id: 'first', content: { type: 'text', value: 'one' } })])
    expect((await decide(site, 'v', ['hero'])).decisions.hero?.content).toEqual({
      type: 'text',
      value: 'one',
    })
    await publishRules(site, [
      rule({ id: 'second', content: { type: 'html', value: '<b>two</b>' } }),
    ])
    expect((await decide(site, 'v', ['hero'])).decisions.hero).toMatchObject({
      ruleId: 'second',
      content: { type: 'html', value: '<b>two</b>' },
    })
    await publishRules(site, [])
    expect((await decide(site, 'v', ['hero'])).decisions.hero).toBeNull()
  })

  it('keeps sites apart', async () => {
    const a = await createTestSite()
    const b = await createTestSite()
    await publishRules(a, [rule({ id: 'only-a' })])
    await buy(a, 'shared-id', 's1', 'o1')
    const fromB = await decide(b, 'shared-id', ['hero'])
    expect(fromB.decisions.hero).toBeNull()
    expect(fromB.profile).toMatchObject({ orders: 0, segment: 'shopper' })
  })

  describe('errors', () => {
    const cases: [string, (pk: string) => unknown, number, string][] = [
      ['invalid JSON', () => 'nope', 400, 'invalid_json'],
      [
        'no slots',
        (pk) => ({ site: pk, visitorId: 'v', visitId: 's', slots: [] }),
        400,
        'invalid_request',
      ],
      [
        'repeated slots',
        (pk) => ({ site: pk, visitorId: 'v', visitId: 's', slots: ['hero', 'hero'] }),
        400,
        'invalid_request',
      ],
      [
        '21 slots',
        (pk) => ({
          site: pk,
          visitorId: 'v',
          visitId: 's',
          slots: Array.from({ length: 21 }, (_, i) => `s${i}`),
        }),
        400,
        'invalid_request',
      ],
      [
        'a slot name with spaces',
        (pk) => ({ site: pk, visitorId: 'v', visitId: 's', slots: ['my slot'] }),
        400,
        'invalid_request',
      ],
      [
        'a missing visitId',
        (pk) => ({ site: pk, visitorId: 'v', slots: ['hero'] }),
        400,
        'invalid_request',
      ],
      [
        'context of the wrong type',
        (pk) => ({ site: pk, visitorId: 'v', visitId: 's', slots: ['hero'], context: 'home' }),
        400,
        'invalid_request',
      ],
      [
        'no site key',
        () => ({ visitorId: 'v', visitId: 's', slots: ['hero'] }),
        401,
        'missing_site_key',
      ],
      [
        'an unknown site key',
        () => ({ site: 'pk_unknown', visitorId: 'v', visitId: 's', slots: ['hero'] }),
        401,
        'unknown_site',
      ],
    ]
    it.each(cases)('%s', async (_name, makeBody, status, code) => {
      const site = await createTestSite()
      const response = await postJson('/v1/decide', makeBody(site.publicKey))
      expect(response.status).toBe(status)
      expect(((await response.json()) as ErrorJson).error.code).toBe(code)
    })

    it('403 for an origin not allowed, recording no exposure', async () => {
      const site = await createTestSite({ origins: ['https://shop.example'] })
      await publishRules(site, [rule({ id: 'r' })])
      const response = await postJson(
        '/v1/decide',
        { site: site.publicKey, visitorId: 'v', visitId: 's', slots: ['hero'] },
        { origin: 'https://other.example' },
      )
      expect(response.status).toBe(403)
      expect(((await response.json()) as ErrorJson).error.code).toBe('origin_not_allowed')
      const ok = await postJson(
        '/v1/decide',
        { site: site.publicKey, visitorId: 'w', visitId: 's', slots: ['hero'] },
        { origin: 'https://shop.example' },
      )
      expect(ok.status).toBe(200)
      await expect
        .poll(async () => (await exposuresOf(site.siteId)).map((row) => row.visitor_id))
        .toEqual(['w'])
    })
  })
})
