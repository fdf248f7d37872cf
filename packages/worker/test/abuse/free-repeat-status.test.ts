// Attack: with browser purchases trusted (the default), post two `revenue: 0` purchases in two
// visits from the console, become a repeat customer, and collect every coded offer meant for
// real repeat customers.
import type { DecideResponse } from '@stammis/contract'
import { describe, expect, it } from 'vitest'
import { createTestSite, eventId, postJson, publishRules, type TestSite } from '../helpers'

async function fakePurchase(site: TestSite, visitId: string, orderId: string): Promise<void> {
  const response = await postJson('/v1/events', {
    site: site.publicKey,
    visitorId: 'faker',
    visitId,
    events: [
      { id: eventId(), type: 'visit' },
      { id: eventId(), type: 'purchase', orderId, revenue: 0, currency: 'USD' },
    ],
  })
  expect(response.status).toBe(200)
}

describe('abuse: fake purchases unlock coded offers', () => {
  it('serves content on browser purchases, but no code', async () => {
    const site = await createTestSite()
    await publishRules(site, [
      {
        id: 'loyal-code',
        slot: 'hero',
        status: 'live',
        priority: 10,
        when: { segments: ['repeat'] },
        offer: { kind: 'percent', value: 30, code: 'LOYAL30' },
      },
      {
        id: 'loyal-thanks',
        slot: 'hero',
        status: 'live',
        priority: 1,
        when: { segments: ['repeat'] },
        content: { type: 'text', value: 'Thanks for shopping with us again' },
      },
      {
        id: 'big-spender',
        slot: 'banner',
        status: 'live',
        when: { minOrders: 2 },
        offer: { kind: 'amount', value: 15, uniqueCodes: { prefix: 'VIP', validDays: 30 } },
      },
    ])
    await fakePurchase(site, 'f1', 'FAKE-1')
    await fakePurchase(site, 'f2', 'FAKE-2')

    const answer = (await (
      await postJson('/v1/decide', {
        site: site.publicKey,
        visitorId: 'faker',
        visitId: 'f3',
        slots: ['hero', 'banner'],
      })
    ).json()) as DecideResponse
    // Content still follows the browser's purchases (a script-tag-only install keeps working)...
    expect(answer.profile.segment).toBe('repeat')
    expect(answer.decisions.hero).toMatchObject({ ruleId: 'loyal-thanks', offer: null })
    // ...but no code is handed out on purchases the shop's server never confirmed.
    expect(answer.decisions.banner).toBeNull()
    expect(JSON.stringify(answer)).not.toMatch(/LOYAL30|VIP-/)
  })
})
