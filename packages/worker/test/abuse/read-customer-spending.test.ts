// Attack: with nothing but the public key, identify a fresh visitor as a known customer (any
// email address will do) and read her orders, revenue, last purchase and segment from the answer.
import type { Profile } from '@stammis/contract'
import { describe, expect, it } from 'vitest'
import { adminFetch, createTestSite, eventId, postJson } from '../helpers'

const nothingKnown = {
  segment: 'shopper',
  orders: 0,
  purchaseVisits: 0,
  revenue: 0,
  lastPurchaseAt: null,
  lapsed: false,
}

describe("abuse: an unsigned identify reads a customer's spending", () => {
  it("answers the attacker with their own (empty) history, never Ana's", async () => {
    const site = await createTestSite()
    // Ana's real history, reported by the shop's server.
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

    // The attacker: a fresh visitor id, the public key from the page, Ana's address.
    const answer = await postJson('/v1/events', {
      site: site.publicKey,
      visitorId: 'attacker',
      visitId: 'a1',
      events: [
        { id: eventId(), type: 'visit' },
        { id: eventId(), type: 'identify', customerId: 'ana@example.com' },
      ],
    })
    expect(answer.status).toBe(200)
    const { profile } = (await answer.json()) as { profile: Profile }
    expect(profile).toMatchObject({ visitorId: 'attacker', ...nothingKnown })

    // Nor on any later request of that visitor.
    const decided = await postJson('/v1/decide', {
      site: site.publicKey,
      visitorId: 'attacker',
      visitId: 'a2',
      slots: ['hero'],
    })
    expect(((await decided.json()) as { profile: Profile }).profile).toMatchObject({
      visitorId: 'attacker',
      ...nothingKnown,
    })
  })
})
