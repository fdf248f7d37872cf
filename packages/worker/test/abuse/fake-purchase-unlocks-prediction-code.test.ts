import type { DecideResponse } from '@stammis/contract'
import { describe, expect, it } from 'vitest'
import {
  adminFetch,
  createTestSite,
  eventId,
  postJson,
  publishRules,
  type TestSite,
} from '../helpers'
import { clearSiteDirectory } from '../../src/sites/directory'

// Attack: on a site that trusts browser purchases (the default), a visitor fakes a purchase from
// the browser console (POST /v1/events with the public key), which gives them prediction figures
// (one purchase today: P(alive) 1), and asks decide for a slot whose rule hands out a code to
// "customers still alive". The code must not be served on figures resting on browser purchases.

async function fakePurchase(site: TestSite, visitorId: string): Promise<void> {
  const response = await postJson('/v1/events', {
    site: site.publicKey,
    visitorId,
    visitId: 'fake-visit',
    events: [
      { id: eventId(), type: 'visit' },
      {
        id: eventId(),
        type: 'purchase',
        orderId: `fake-${visitorId}`,
        revenue: 1,
        currency: 'USD',
      },
    ],
  })
  expect(response.status).toBe(200)
}

describe('abuse: a faked browser purchase unlocks a coded offer behind a prediction condition', () => {
  it('serves the content but never the code', async () => {
    const site = await createTestSite()
    await publishRules(site, [
      {
        id: 'loyal-code',
        slot: 'hero',
        status: 'live',
        when: { pAlive: { min: 0.5 } },
        content: { type: 'text', value: 'Thanks for staying with us' },
        offer: { kind: 'percent', value: 30, code: 'LOYAL30' },
      },
    ])
    await fakePurchase(site, 'attacker')
    const fit = await adminFetch('/v1/admin/predictions/fit', site.secretKey, { method: 'POST' })
    expect(fit.status).toBe(200)
    clearSiteDirectory()
    const response = await postJson('/v1/decide', {
      site: site.publicKey,
      visitorId: 'attacker',
      visitId: 'next-visit',
      slots: ['hero'],
    })
    const answer = (await response.json()) as DecideResponse
    expect(answer.decisions.hero?.ruleId).toBe('loyal-code')
    expect(JSON.stringify(answer)).not.toContain('LOYAL30')
    expect(answer.decisions.hero?.offer).toBeNull()
  })
})
