import { env } from 'cloudflare:test'
import type { Profile } from '@stammis/contract'
import { describe, expect, it } from 'vitest'
import {
  adminFetch,
  countRows,
  createIdentitySecret,
  createTestSite,
  eventId,
  postJson,
  signCustomerId,
  type ErrorJson,
  type TestSite,
} from '../../test/helpers'
import { ledgerFor, ledgerRows } from '../../test/ledger'
import { customerKey } from './customer-key'
import { MAX_VISITORS_PER_CUSTOMER } from './queries'

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

async function profileOf(site: TestSite, visitorId: string, visitId = 'later'): Promise<Profile> {
  const response = await postJson('/v1/decide', {
    site: site.publicKey,
    visitorId,
    visitId,
    slots: ['hero'],
  })
  return ((await response.json()) as { profile: Profile }).profile
}

async function importHistory(site: TestSite, customerId: string): Promise<void> {
  const response = await adminFetch('/v1/admin/orders?source=import', site.secretKey, {
    method: 'POST',
    body: JSON.stringify({
      orders: [
        {
          orderId: `${customerId}-1`,
          customerId,
          revenue: 40,
          currency: 'USD',
          placedAt: '2026-01-05T10:00:00Z',
        },
        {
          orderId: `${customerId}-2`,
          customerId,
          revenue: 60,
          currency: 'USD',
          placedAt: '2026-02-05T10:00:00Z',
        },
      ],
    }),
  })
  expect(response.status).toBe(200)
}

async function identifyData(site: TestSite, visitorId: string): Promise<unknown[]> {
  const rows = await ledgerRows<{ data: string }>(
    ledgerFor(site.siteId),
    "SELECT data FROM events WHERE visitor_id = ?1 AND type = 'identify' ORDER BY received_at",
    visitorId,
  )
  return rows.map((row) => JSON.parse(row.data))
}

const nothing = { segment: 'shopper', orders: 0, revenue: 0, lastPurchaseAt: null }

describe('signed identify', () => {
  it("merges a browser into the customer's history only when the shop's server signed the id", async () => {
    const site = await createTestSite()
    const secret = await createIdentitySecret(site)
    await importHistory(site, 'cust-7')

    expect(
      (await send(site, 'unsigned', 's1', [{ type: 'identify', customerId: 'cust-7' }])).profile,
    ).toMatchObject(nothing)
    const signed = await send(site, 'signed', 's1', [
      { type: 'identify', customerId: 'cust-7', signature: await signCustomerId(secret, 'cust-7') },
    ])
    expect(signed.profile).toMatchObject({ segment: 'repeat', orders: 2, revenue: 100 })
    expect(await profileOf(site, 'unsigned')).toMatchObject(nothing)
  })

  it('records an unsigned identify, and one with a wrong signature, for analytics without merging anything', async () => {
    const site = await createTestSite()
    const secret = await createIdentitySecret(site)
    await importHistory(site, 'cust-8')
    const wrong = [
      await signCustomerId(secret, 'cust-other'), // signed for someone else
      await signCustomerId('idsec_not-the-secret', 'cust-8'), // another secret
      'f'.repeat(64), // well formed, made up
    ]
    const answer = await send(site, 'guess', 's1', [
      { type: 'visit' },
      { type: 'identify', customerId: 'cust-8' },
      ...wrong.map((signature) => ({ type: 'identify', customerId: 'cust-8', signature })),
    ])
    expect(answer).toMatchObject({
      accepted: 5,
      duplicates: 0,
      profile: { visitorId: 'guess', ...nothing },
    })
    const key = await customerKey(
      (await env.DB.prepare('SELECT code_secret FROM sites WHERE id = ?1')
        .bind(site.siteId)
        .first<{ code_secret: string }>())!.code_secret,
      'cust-8',
    )
    expect(await identifyData(site, 'guess')).toEqual(
      Array.from({ length: 4 }, () => ({ customerKey: key, verified: false })),
    )
    expect(
      await ledgerRows(
        ledgerFor(site.siteId),
        'SELECT person_id FROM visitors WHERE visitor_id = ?1',
        'guess',
      ),
    ).toEqual([{ person_id: 'guess' }])
  })

  it('treats every identify as unsigned until the site has an identity secret', async () => {
    const site = await createTestSite()
    await importHistory(site, 'cust-9')
    const answer = await send(site, 'early', 's1', [
      {
        type: 'identify',
        customerId: 'cust-9',
        signature: await signCustomerId('idsec_guessed', 'cust-9'),
      },
    ])
    expect(answer.profile).toMatchObject(nothing)
  })

  it('stops accepting signatures made with a rotated-out secret', async () => {
    const site = await createTestSite()
    const old = await createIdentitySecret(site)
    await createIdentitySecret(site)
    await importHistory(site, 'cust-10')
    expect(
      (
        await send(site, 'v', 's1', [
          {
            type: 'identify',
            customerId: 'cust-10',
            signature: await signCustomerId(old, 'cust-10'),
          },
        ])
      ).profile,
    ).toMatchObject(nothing)
  })

  it('400 for a malformed signature, storing nothing', async () => {
    const site = await createTestSite()
    const secret = await createIdentitySecret(site)
    const good = await signCustomerId(secret, 'cust-11')
    for (const signature of [good.toUpperCase(), good.slice(1), `sha256=${good}`, 42]) {
      const response = await postJson('/v1/events', {
        site: site.publicKey,
        visitorId: 'v',
        visitId: 's',
        events: [
          { id: eventId(), type: 'visit' },
          { id: eventId(), type: 'identify', customerId: 'cust-11', signature },
        ],
      })
      expect(response.status).toBe(400)
      const body = (await response.json()) as ErrorJson & { error: { issues: { path: string }[] } }
      expect(body.error.code).toBe('invalid_request')
      expect(body.error.issues[0]?.path).toBe('events.1.signature')
    }
    expect(await countRows('events', site.siteId)).toBe(0)
    expect(await countRows('visitors', site.siteId)).toBe(0)
  })

  it('never switches a shared computer on an unsigned identify', async () => {
    const site = await createTestSite()
    const secret = await createIdentitySecret(site)
    const alice = {
      type: 'identify',
      customerId: 'alice',
      signature: await signCustomerId(secret, 'alice'),
    }
    await send(site, 'shared', 's1', [
      { type: 'visit' },
      alice,
      { type: 'purchase', orderId: 'a-1', revenue: 50, currency: 'USD' },
    ])
    await importHistory(site, 'bob')
    const unsigned = await send(site, 'shared', 's2', [
      { type: 'visit' },
      { type: 'identify', customerId: 'bob' },
    ])
    expect(unsigned.profile).toMatchObject({ visitorId: 'shared', orders: 1, revenue: 50 })
    expect(await countRows('visitors', site.siteId)).toBe(2) // "shared" and Bob's history row: no fresh id
  })
})

describe('customer keys', () => {
  it("keeps a raw customer id shaped like an email hash apart from that email's customer", async () => {
    const site = await createTestSite()
    const secret = await createIdentitySecret(site)
    await importHistory(site, 'ana@example.com')
    const codeSecret = (await env.DB.prepare('SELECT code_secret FROM sites WHERE id = ?1')
      .bind(site.siteId)
      .first<{ code_secret: string }>())!.code_secret
    const hashKey = await customerKey(codeSecret, 'ana@example.com')
    expect(hashKey).toMatch(/^h_[0-9a-f]{32}$/)
    expect(await customerKey(codeSecret, hashKey)).toBe(`id:${hashKey}`)

    const lookalike = await send(site, 'v', 's1', [
      { type: 'identify', customerId: hashKey, signature: await signCustomerId(secret, hashKey) },
    ])
    expect(lookalike.profile).toMatchObject(nothing)
    const ana = await send(site, 'w', 's1', [
      {
        type: 'identify',
        customerId: 'ana@example.com',
        signature: await signCustomerId(secret, 'ana@example.com'),
      },
    ])
    expect(ana.profile).toMatchObject({ orders: 2 })
  })
})

describe('visitors per customer', () => {
  it(`links at most ${MAX_VISITORS_PER_CUSTOMER} browsers to one customer, and keeps recording the rest`, async () => {
    const site = await createTestSite()
    const secret = await createIdentitySecret(site)
    await importHistory(site, 'cust-12')
    const identify = {
      type: 'identify',
      customerId: 'cust-12',
      signature: await signCustomerId(secret, 'cust-12'),
    }
    for (let i = 0; i < MAX_VISITORS_PER_CUSTOMER; i++) {
      expect(
        (await send(site, `device-${i}`, 's1', [identify])).profile.orders,
        `device-${i}`,
      ).toBe(2)
    }
    // One browser more: refused a link, still recorded.
    const extra = await send(site, 'device-extra', 's1', [
      { type: 'visit' },
      identify,
      { type: 'purchase', orderId: 'x-1', revenue: 5, currency: 'USD' },
    ])
    expect(extra).toMatchObject({
      accepted: 3,
      profile: { visitorId: 'device-extra', orders: 1, revenue: 5 },
    })
    expect(await countRows('events', site.siteId)).toBe(MAX_VISITORS_PER_CUSTOMER + 3)
    const people = await ledgerRows(
      ledgerFor(site.siteId),
      "SELECT person_id, count(*) AS n FROM visitors WHERE visitor_id NOT LIKE 'c:%' GROUP BY person_id ORDER BY n DESC",
    )
    expect(people).toEqual([
      { person_id: 'c:id:cust-12', n: MAX_VISITORS_PER_CUSTOMER },
      { person_id: 'device-extra', n: 1 },
    ])
    expect(await profileOf(site, 'device-0')).toMatchObject({ orders: 2, revenue: 100 })
  })

  it('gives a shared computer a fresh history of its own when the second customer is at the cap', async () => {
    const site = await createTestSite()
    const secret = await createIdentitySecret(site)
    const sign = async (customerId: string) => ({
      type: 'identify',
      customerId,
      signature: await signCustomerId(secret, customerId),
    })
    await importHistory(site, 'busy')
    for (let i = 0; i < MAX_VISITORS_PER_CUSTOMER; i++)
      await send(site, `busy-${i}`, 's1', [await sign('busy')])
    await send(site, 'shared', 's1', [
      await sign('alice'),
      { type: 'purchase', orderId: 'al-1', revenue: 9, currency: 'USD' },
    ])

    const switched = await send(site, 'shared', 's2', [await sign('busy')])
    expect(switched.profile.visitorId).not.toBe('shared')
    expect(switched.profile).toMatchObject(nothing)
    expect(await profileOf(site, 'shared')).toMatchObject({ orders: 1, revenue: 9 })
  })
})

describe('POST /v1/admin/site/identity-secret', () => {
  it('answers a new secret once, keeps only whether one exists visible, and needs the secret key', async () => {
    const site = await createTestSite()
    const before = (await (await adminFetch('/v1/admin/site', site.secretKey)).json()) as Record<
      string,
      unknown
    >
    expect(before.hasIdentitySecret).toBe(false)
    const secret = await createIdentitySecret(site)
    expect(secret).toMatch(/^idsec_[0-9A-Za-z]{40}$/)
    const after = await (await adminFetch('/v1/admin/site', site.secretKey)).text()
    expect(JSON.parse(after)).toMatchObject({ hasIdentitySecret: true })
    expect(after).not.toContain(secret)
    expect(await createIdentitySecret(site)).not.toBe(secret)

    const anonymous = await adminFetch('/v1/admin/site/identity-secret', null, { method: 'POST' })
    expect(anonymous.status).toBe(401)
    const withPublicKey = await adminFetch('/v1/admin/site/identity-secret', site.publicKey, {
      method: 'POST',
    })
    expect(withPublicKey.status).toBe(403)
  })
})
