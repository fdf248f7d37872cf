// Attack: identify as a customer whose purchases the shop's server verified, and be served the
// offers that require verified purchases (the codes worth money), on her verified history.
import type { DecideResponse } from '@stammis/contract'
import { describe, expect, it } from 'vitest'
import { adminFetch, createTestSite, eventId, postJson, publishRules } from '../helpers'

describe("abuse: an unsigned identify borrows a customer's verified purchases", () => {
  it("never serves a requiresVerified offer on someone else's history", async () => {
    const site = await createTestSite()
    await publishRules(site, [
      {
        id: 'vip-code',
        slot: 'hero',
        status: 'live',
        priority: 10,
        when: { segments: ['returning', 'repeat'] },
        content: { type: 'text', value: 'Thank you for coming back' },
        offer: { kind: 'percent', value: 25, code: 'VIP25', requiresVerified: true },
      },
      { id: 'everyone', slot: 'hero', status: 'live', content: { type: 'text', value: 'Hello' } },
    ])
    const imported = await adminFetch('/v1/admin/orders?source=import', site.secretKey, {
      method: 'POST',
      body: JSON.stringify({
        orders: [
          {
            orderId: 'A-1',
            customerId: 'ana@example.com',
            revenue: 120,
            currency: 'USD',
            placedAt: '2026-01-10T10:00:00Z',
          },
          {
            orderId: 'A-2',
            customerId: 'ana@example.com',
            revenue: 80,
            currency: 'USD',
            placedAt: '2026-02-10T10:00:00Z',
          },
        ],
      }),
    })
    expect(imported.status).toBe(200)

    const identified = await postJson('/v1/events', {
      site: site.publicKey,
      visitorId: 'attacker',
      visitId: 'a1',
      events: [{ id: eventId(), type: 'identify', customerId: 'ana@example.com' }],
    })
    expect(identified.status).toBe(200)
    const decided = (await (
      await postJson('/v1/decide', {
        site: site.publicKey,
        visitorId: 'attacker',
        visitId: 'a2',
        slots: ['hero'],
      })
    ).json()) as DecideResponse
    expect(decided.decisions.hero).toMatchObject({ ruleId: 'everyone', offer: null })
    expect(JSON.stringify(decided)).not.toContain('VIP25')
  })
})
