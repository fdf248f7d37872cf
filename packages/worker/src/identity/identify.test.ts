import { env } from 'cloudflare:test'
import type { Profile } from '@stammis/contract'
import { describe, expect, it } from 'vitest'
import {
  createTestSite,
  eventId,
  identitySigner,
  postJson,
  type TestSite,
} from '../../test/helpers'

type Answer = { accepted: number; duplicates: number; profile: Profile }

async function send(
  site: TestSite,
  visitorId: string,
  visitId: string,
  events: object[],
): Promise<Answer> {
  const response = await postJson('/v1/events', {
    site: site.publicKey,
    visitorId,
    visitId,
    events: events.map((e) => ({ id: eventId(), ...e })),
  })
  expect(response.status).toBe(200)
  return (await response.json()) as Answer
}
const visit = { type: 'visit' }
const purchase = (orderId: string, revenue = 30) => ({
  type: 'purchase',
  orderId,
  revenue,
  currency: 'USD',
})

async function decide(site: TestSite, visitorId: string, visitId: string): Promise<Profile> {
  const response = await postJson('/v1/decide', {
    site: site.publicKey,
    visitorId,
    visitId,
    slots: ['hero'],
  })
  return ((await response.json()) as { profile: Profile }).profile
}

describe('identity merge', () => {
  it("counts the phone's purchases on the laptop once both sign in", async () => {
    const site = await createTestSite()
    const identify = identitySigner(site)
    // Phone: signs in and buys in two visits.
    await send(site, 'phone', 'p1', [visit, await identify('cust-1'), purchase('o1')])
    await send(site, 'phone', 'p2', [visit, purchase('o2')])
    // Laptop: a stranger until it signs in; then a repeat customer.
    expect((await send(site, 'laptop', 'l1', [visit])).profile.segment).toBe('shopper')
    const merged = await send(site, 'laptop', 'l1', [await identify('cust-1')])
    expect(merged.profile).toMatchObject({
      visitorId: 'laptop',
      segment: 'repeat',
      orders: 2,
      purchaseVisits: 2,
      revenue: 60,
      visits: 3,
    })
    expect(await decide(site, 'laptop', 'l2')).toMatchObject({ segment: 'repeat', orders: 2 })
    // And the phone sees the laptop's history too.
    await send(site, 'laptop', 'l3', [visit, purchase('o3')])
    expect(await decide(site, 'phone', 'p9')).toMatchObject({ orders: 3, purchaseVisits: 3 })
  })

  it('gives the same profile whichever device is merged first', async () => {
    const histories = async (order: ('a' | 'b')[]) => {
      const site = await createTestSite()
      const identify = identitySigner(site)
      const steps = {
        a: async () => {
          await send(site, 'dev-a', 'a1', [visit, purchase('oa1', 10)])
          await send(site, 'dev-a', 'a2', [visit, await identify('cust-x')])
        },
        b: async () => {
          await send(site, 'dev-b', 'b1', [visit, purchase('ob1', 20)])
          await send(site, 'dev-b', 'b2', [visit, purchase('ob2', 5)])
          await send(site, 'dev-b', 'b3', [visit, await identify('cust-x')])
        },
      }
      for (const step of order) await steps[step]()
      const { visitorId: _a, ...fromA } = await decide(site, 'dev-a', 'next')
      const { visitorId: _b, ...fromB } = await decide(site, 'dev-b', 'next')
      expect(fromA).toEqual(fromB)
      return fromA
    }
    const ab = await histories(['a', 'b'])
    const ba = await histories(['b', 'a'])
    expect(ab).toEqual({ ...ba, lastPurchaseAt: ab.lastPurchaseAt })
    expect(ab).toMatchObject({
      segment: 'repeat',
      orders: 3,
      purchaseVisits: 3,
      revenue: 35,
      visits: 6,
    })
  })

  it('is idempotent: identifying again changes nothing', async () => {
    const site = await createTestSite()
    const identify = identitySigner(site)
    await send(site, 'v', 's1', [visit, await identify('cust-2'), purchase('o1')])
    const first = await decide(site, 'v', 's2')
    await send(site, 'v', 's2', [await identify('cust-2')])
    await send(site, 'v', 's2', [await identify('cust-2')])
    expect(await decide(site, 'v', 's2')).toEqual({ ...first, visits: first.visits })
  })

  it('moves a shared computer to a fresh visitor id for a second customer, never mixing histories', async () => {
    const site = await createTestSite()
    const identify = identitySigner(site)
    await send(site, 'shared', 's1', [visit, await identify('alice'), purchase('alice-1', 50)])
    await send(site, 'bobs-phone', 'b1', [visit, await identify('bob'), purchase('bob-1', 7)])
    await send(site, 'bobs-phone', 'b2', [visit, purchase('bob-2', 8)])

    const switched = await send(site, 'shared', 's2', [visit, await identify('bob')])
    expect(switched.profile.visitorId).not.toBe('shared')
    expect(switched.profile).toMatchObject({ segment: 'repeat', orders: 2, revenue: 15 })
    // Alice's history stays hers, on the shared computer's old id.
    expect(await decide(site, 'shared', 's3')).toMatchObject({ orders: 1, revenue: 50 })
    // The fresh id is Bob's from now on.
    expect(await decide(site, switched.profile.visitorId, 's3')).toMatchObject({
      orders: 2,
      revenue: 15,
    })
  })

  it('never stores an email address used as customer id', async () => {
    const site = await createTestSite()
    const identify = identitySigner(site)
    await send(site, 'v', 's1', [visit, await identify('Ana.Lopez@Example.com'), purchase('o1')])
    const profile = await decide(site, 'v2', 's1')
    expect(profile.orders).toBe(0)
    // The same address in another case, on another device, is the same customer.
    expect(
      (await send(site, 'v2', 's1', [await identify(' ana.lopez@example.com ')])).profile.orders,
    ).toBe(1)
    const tables = await env.DB.prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name <> 'd1_migrations'",
    ).all<{ name: string }>()
    for (const { name } of tables.results) {
      const rows = await env.DB.prepare(`SELECT * FROM ${name}`).all()
      expect(JSON.stringify(rows.results).toLowerCase(), name).not.toContain(
        'ana.lopez@example.com',
      )
    }
  })
})
