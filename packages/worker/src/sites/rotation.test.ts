import { env, SELF } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import {
  adminFetch,
  createTestSession,
  createTestSite,
  postJson,
  type ErrorJson,
  type TestSite,
} from '../../test/helpers'
import { createSession } from '../sessions/queries'
import { hashSecretKey } from './keys'
import { PUBLIC_KEY_GRACE_DAYS, PUBLIC_KEY_GRACE_MS } from './rotation'

const DAY = 86_400_000

async function rotate(
  site: TestSite,
  what: 'rotate-secret' | 'rotate-public-key',
  key = site.secretKey,
): Promise<Response> {
  return adminFetch(`/v1/admin/site/${what}`, key, { method: 'POST' })
}

async function sessionCount(siteId: string): Promise<number> {
  const row = await env.DB.prepare('SELECT count(*) AS n FROM admin_sessions WHERE site_id = ?1')
    .bind(siteId)
    .first<{ n: number }>()
  return row!.n
}

function events(publicKey: string, id: string): Promise<Response> {
  return postJson(
    '/v1/events',
    { site: publicKey, visitorId: 'v', visitId: 's', events: [{ id, type: 'visit' }] },
    { origin: 'https://shop.example' },
  )
}

function decide(publicKey: string): Promise<Response> {
  return postJson(
    '/v1/decide',
    { site: publicKey, visitorId: 'v', visitId: 's', slots: ['hero'] },
    { origin: 'https://shop.example' },
  )
}

describe('POST /v1/admin/site/rotate-secret', () => {
  it("stores only the new key's hash, answers it once, uncached, and ends this site's sessions only", async () => {
    const site = await createTestSite()
    const other = await createTestSite()
    await createTestSession(site, 'A')
    await createTestSession(site, 'B')
    await createTestSession(other, 'C')

    const response = await rotate(site, 'rotate-secret')
    expect(response.status).toBe(200)
    expect(response.headers.get('cache-control')).toBe('no-store')
    const body = (await response.json()) as { secretKey: string; sessionsEnded: number }
    expect(body.sessionsEnded).toBe(2)
    const row = await env.DB.prepare('SELECT * FROM sites WHERE id = ?1')
      .bind(site.siteId)
      .first<Record<string, unknown>>()
    expect(row!.secret_key_hash).toBe(await hashSecretKey(body.secretKey))
    expect(JSON.stringify(row)).not.toContain(body.secretKey)
    expect(await sessionCount(site.siteId)).toBe(0)
    expect(await sessionCount(other.siteId)).toBe(1)
    // The public key is not touched: the shop's pages keep working.
    expect((await events(site.publicKey, 'e1')).status).toBe(200)
  })

  it('works from an admin session too, which it ends with the others', async () => {
    const site = await createTestSite()
    const session = await createTestSession(site)
    const headers = { cookie: session.cookie, 'x-csrf-token': session.csrfToken }
    const response = await SELF.fetch('https://worker.test/v1/admin/site/rotate-secret', {
      method: 'POST',
      headers,
    })
    expect(response.status).toBe(200)
    const again = await SELF.fetch('https://worker.test/v1/admin/site', { headers })
    expect(((await again.json()) as ErrorJson).error.code).toBe('session_expired')
  })

  it('leaves no session behind when a sign-in with the old key races the rotation', async () => {
    const site = await createTestSite()
    const oldHash = await hashSecretKey(site.secretKey)
    // The sign-in checked the old key just before the rotation, and inserts its session just after.
    await rotate(site, 'rotate-secret')
    expect(await createSession(env.DB, site.siteId, 'Late', Date.now(), oldHash)).toBeNull()
    expect(await sessionCount(site.siteId)).toBe(0)
  })

  it('makes the admin app refuse the old key at sign-in', async () => {
    const site = await createTestSite()
    await rotate(site, 'rotate-secret')
    const form = await SELF.fetch('https://worker.test/admin/sign-in')
    const cookie = form.headers.get('set-cookie')!.split(';')[0]!
    const token = /name="_csrf" value="([^"]+)"/.exec(await form.text())![1]!
    const response = await SELF.fetch('https://worker.test/admin/sign-in', {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: token, name: 'Mallory', key: site.secretKey }),
      redirect: 'manual',
    })
    expect(response.status).toBe(401)
    expect(await sessionCount(site.siteId)).toBe(0)
  })
})

describe('POST /v1/admin/site/rotate-public-key', () => {
  it(`answers a new key; the old one keeps working for ${PUBLIC_KEY_GRACE_DAYS} days on events and decide`, async () => {
    const site = await createTestSite()
    const before = Date.now()
    const response = await rotate(site, 'rotate-public-key')
    expect(response.status).toBe(200)
    const rotation = (await response.json()) as {
      publicKey: string
      previousPublicKey: string
      previousKeyValidUntil: string
    }
    expect(rotation.publicKey).toMatch(/^pk_[A-Za-z0-9]{24}$/)
    expect(rotation.previousPublicKey).toBe(site.publicKey)
    const validUntil = Date.parse(rotation.previousKeyValidUntil)
    expect(validUntil - before).toBeGreaterThanOrEqual(PUBLIC_KEY_GRACE_MS)
    expect(validUntil - Date.now()).toBeLessThanOrEqual(PUBLIC_KEY_GRACE_MS)

    for (const key of [rotation.publicKey, site.publicKey]) {
      expect((await events(key, `e-${key}`)).status).toBe(200)
      const answer = await decide(key)
      expect(answer.status).toBe(200)
      // Both keys are the same site: one visitor, one history.
      expect(((await answer.json()) as { profile: { visits: number } }).profile.visits).toBe(1)
    }
    const settings = (await (await adminFetch('/v1/admin/site', site.secretKey)).json()) as Record<
      string,
      unknown
    >
    expect(settings).toMatchObject({
      publicKey: rotation.publicKey,
      previousPublicKey: site.publicKey,
      previousKeyValidUntil: rotation.previousKeyValidUntil,
    })
    // The secret key is not touched.
    expect((await adminFetch('/v1/admin/rules', site.secretKey)).status).toBe(200)
  })

  it('refuses the old key once the grace period is over', async () => {
    const site = await createTestSite()
    const { publicKey } = (await (await rotate(site, 'rotate-public-key')).json()) as {
      publicKey: string
    }
    // A week later: the same state as waiting, without waiting.
    await env.DB.prepare('UPDATE sites SET previous_public_key_expires_at = ?2 WHERE id = ?1')
      .bind(site.siteId, Date.now() - 1)
      .run()
    for (const response of [await events(site.publicKey, 'late'), await decide(site.publicKey)]) {
      expect(response.status).toBe(401)
      expect(((await response.json()) as ErrorJson).error.code).toBe('unknown_site')
    }
    expect((await decide(publicKey)).status).toBe(200)
    const settings = (await (await adminFetch('/v1/admin/site', site.secretKey)).json()) as Record<
      string,
      unknown
    >
    expect(settings).toMatchObject({ previousPublicKey: null, previousKeyValidUntil: null })
  })

  it('keeps one previous key: a second rotation ends the first key at once', async () => {
    const site = await createTestSite()
    const first = (await (await rotate(site, 'rotate-public-key')).json()) as { publicKey: string }
    const second = (await (await rotate(site, 'rotate-public-key')).json()) as {
      publicKey: string
      previousPublicKey: string
    }
    expect(second.previousPublicKey).toBe(first.publicKey)
    expect((await decide(site.publicKey)).status).toBe(401)
    expect((await decide(first.publicKey)).status).toBe(200)
    expect((await decide(second.publicKey)).status).toBe(200)
  })

  it('accepts webhooks addressed to the previous key during the grace period', async () => {
    const site = await createTestSite()
    await rotate(site, 'rotate-public-key')
    // No webhook secret yet: the site was found by its previous key, so the answer is about the secret.
    const response = await postJson(`/v1/webhooks/${site.publicKey}/orders`, { orders: [] })
    expect(((await response.json()) as ErrorJson).error.code).toBe('invalid_signature')
    const unknown = await postJson('/v1/webhooks/pk_nobody/orders', { orders: [] })
    expect(((await unknown.json()) as ErrorJson).error.code).toBe('unknown_site')
  })

  it('is stated in days: a week of cached pages', () => {
    expect(PUBLIC_KEY_GRACE_MS).toBe(PUBLIC_KEY_GRACE_DAYS * DAY)
    expect(PUBLIC_KEY_GRACE_DAYS).toBe(7)
  })
})
