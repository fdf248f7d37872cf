// Attack: get hold of a repeat customer's profile token (a shared link, a leaked cookie, a
// screenshot of devtools) and send it with your own visitor id, to read their profile and collect
// the coded offer their purchases unlock.
import type { DecideResponse } from '@stammis/contract'
import { describe, expect, it } from 'vitest'
import { createTestSite, eventId, postJson, publishRules } from '../helpers'

describe("abuse: another visitor's profile token reads their profile", () => {
  it('answers the attacker with their own (empty) history and no code', async () => {
    const site = await createTestSite()
    await publishRules(site, [
      {
        id: 'loyal-code',
        slot: 'hero',
        status: 'live',
        when: { segments: ['repeat'] },
        content: { type: 'text', value: 'For our regulars' },
        // Unlocked by the browser's purchases (the shop opted out of verification for it).
        offer: { kind: 'percent', value: 30, code: 'LOYAL30', requiresVerified: false },
      },
    ])
    // The victim bought in two visits.
    for (const [visitId, orderId] of [
      ['p1', 'V-1'],
      ['p2', 'V-2'],
    ] as const) {
      const response = await postJson('/v1/events', {
        site: site.publicKey,
        visitorId: 'victim',
        visitId,
        events: [
          { id: eventId(), type: 'visit' },
          { id: eventId(), type: 'purchase', orderId, revenue: 250, currency: 'USD' },
        ],
      })
      expect(response.status).toBe(200)
    }

    const victim = (await (
      await postJson('/v1/decide', {
        site: site.publicKey,
        visitorId: 'victim',
        visitId: 'p3',
        slots: ['hero'],
      })
    ).json()) as DecideResponse
    expect(victim.decisions.hero?.offer?.code).toBe('LOYAL30')
    expect(victim.profileToken).toBeTruthy()

    const response = await postJson('/v1/decide', {
      site: site.publicKey,
      visitorId: 'attacker',
      visitId: 'a1',
      slots: ['hero'],
      profileToken: victim.profileToken,
    })
    expect(response.status).toBe(200)
    const answer = (await response.json()) as DecideResponse
    expect(answer.profile).toMatchObject({
      visitorId: 'attacker',
      segment: 'shopper',
      orders: 0,
      revenue: 0,
      lastPurchaseAt: null,
    })
    expect(answer.decisions.hero).toBeNull()
  })
})
